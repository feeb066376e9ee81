/**
 * ingress-nginx, installed with helm.v3.Release because its admission webhook
 * is set up by hook Jobs (helm.v4.Chart skips hooks). On kind/minikube the
 * controller is exposed as a NodePort; a LoadBalancer Service that never gets
 * an address there is not awaited.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartSource, CHARTS } from "./charts";

export type IngressServiceType = "NodePort" | "LoadBalancer" | "ClusterIP";

export interface IngressNginxArgs {
  readonly namespace: string;
  /** Name of the IngressClass it serves. */
  readonly className: string;
  readonly serviceType: IngressServiceType;
  /** HTTP node port when serviceType is NodePort. */
  readonly nodePort: number;
  /** Labels and annotations of the controller's pods (how a mesh injects its proxy). */
  readonly podLabels?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
}

/** The controller's pod labels: NetworkPolicies admit ingress traffic from these. */
export const CONTROLLER_POD_LABELS = { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" };
export const RELEASE_NAME = "ingress-nginx";
/** Namespace the controller is installed in. */
export const INGRESS_NAMESPACE = "ingress-nginx";
/** The controller Service the chart creates for release RELEASE_NAME. */
export const CONTROLLER_SERVICE = "ingress-nginx-controller";
/** The controller's service account: its identity in a mesh. */
export const CONTROLLER_SERVICE_ACCOUNT = "ingress-nginx";

export function ingressNginxValues(args: IngressNginxArgs): Record<string, unknown> {
  return {
    controller: {
      replicaCount: 1,
      ingressClassResource: { name: args.className, enabled: true, default: false },
      ingressClass: args.className,
      allowSnippetAnnotations: false,
      service: {
        type: args.serviceType,
        ...(args.serviceType === "NodePort" ? { nodePorts: { http: String(args.nodePort) } } : {}),
      },
      admissionWebhooks: { enabled: true },
      metrics: { enabled: false },
      resources: { requests: { cpu: "100m", memory: "90Mi" } },
      ...(args.podLabels ? { podLabels: args.podLabels } : {}),
      ...(args.podAnnotations ? { podAnnotations: args.podAnnotations } : {}),
    },
    serviceAccount: { create: true, name: CONTROLLER_SERVICE_ACCOUNT },
  };
}

export class IngressNginx extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: IngressNginxArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:IngressNginx", name, args, opts);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
    this.namespace = ns.metadata.name;
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: RELEASE_NAME,
        namespace: this.namespace,
        ...chartSource(CHARTS.ingressNginx),
        values: ingressNginxValues(args),
        // A LoadBalancer without a cloud controller never gets an address: don't wait on it.
        skipAwait: args.serviceType === "LoadBalancer",
        timeout: 600,
        atomic: false,
        cleanupOnFail: true,
      },
      { parent: this },
    );
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
