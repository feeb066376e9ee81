/**
 * A pinned Helm release in a namespace of its own that admits no
 * connection (Flagger's, Kiali's): the namespace with its Pod Security
 * labels, its deny-all-ingress NetworkPolicy, then the release, so the
 * release's pods never run open. Custom resources of the chart's CRDs
 * depend on `release`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DENY_INGRESS } from "../policy/deny-ingress";
import { NetworkPolicies } from "../policy/network-policies";
import { chartSource, type ChartRef } from "./platform-charts";

export interface ClosedNamespaceReleaseArgs {
  readonly namespace: string;
  readonly namespaceLabels: Record<string, string>;
  readonly release: string;
  readonly chart: ChartRef;
  readonly values: pulumi.Input<Record<string, unknown>>;
  /** Skip Helm's crds/ directory (the chart installs its CRDs as templates instead). */
  readonly skipCrds?: boolean;
}

export class ClosedNamespaceRelease extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ClosedNamespaceReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:ClosedNamespaceRelease", name, {}, opts);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace, labels: args.namespaceLabels } }, { parent: this });
    const policy = new NetworkPolicies(`${name}-policy`, { namespace: ns.metadata.name, policies: [DENY_INGRESS] }, { parent: this });
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: args.release,
        namespace: ns.metadata.name,
        ...chartSource(args.chart),
        values: args.values,
        ...(args.skipCrds ? { skipCrds: true } : {}),
        timeout: 300,
        cleanupOnFail: true,
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
