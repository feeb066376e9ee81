/**
 * metrics-server: the resource metrics API the HPAs read. Optional, for
 * clusters that do not have one (kind); minikube's addon or a cloud's own
 * serves the same API.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartSource, CHARTS } from "./platform-charts";

export interface MetricsServerArgs {
  /** kind's kubelets serve self-signed certificates: skip their verification. */
  readonly kubeletInsecureTls: boolean;
}

export function metricsServerValues(args: MetricsServerArgs): Record<string, unknown> {
  return { args: args.kubeletInsecureTls ? ["--kubelet-insecure-tls"] : [] };
}

export class MetricsServer extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:MetricsServer", name, args, opts);
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      { name: "metrics-server", namespace: "kube-system", ...chartSource(CHARTS.metricsServer), values: metricsServerValues(args), timeout: 300 },
      { parent: this },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
