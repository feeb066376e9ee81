/**
 * ingress-nginx, installed with helm.v3.Release because its admission webhook
 * is set up by hook Jobs (helm.v4.Chart skips hooks). The release is always
 * awaited, so the Ingress (which the webhook, `failurePolicy: Fail`, must
 * admit) comes after a ready controller. Helm's wait would also wait for a
 * LoadBalancer's address, which never comes without a cloud controller; so a
 * LoadBalancer Service is not the chart's but the program's own, the same
 * the chart would render, and not awaited.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_SECURITY } from "../pod-security";
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
/** The controller pods' HTTP port (the chart's controller.containerPort.http), which its Service's port 80 targets. */
export const CONTROLLER_HTTP_PORT = 80;
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
        // A LoadBalancer is controllerService() below, outside Helm's wait.
        ...(args.serviceType === "LoadBalancer" ? { external: { enabled: false } } : {}),
      },
      // Without the chart's external Service the chart passes no --publish-service
      // (_params.tpl): name ours, so the Ingresses report the balancer's address.
      ...(args.serviceType === "LoadBalancer" ? { extraArgs: { "publish-service": `${args.namespace}/${CONTROLLER_SERVICE}` } } : {}),
      admissionWebhooks: { enabled: true },
      metrics: { enabled: false },
      resources: { requests: { cpu: "100m", memory: "90Mi" } },
      ...(args.podLabels ? { podLabels: args.podLabels } : {}),
      ...(args.podAnnotations ? { podAnnotations: args.podAnnotations } : {}),
    },
    serviceAccount: { create: true, name: CONTROLLER_SERVICE_ACCOUNT },
  };
}

/**
 * The chart's controller pods, as its external Service selects them
 * (templates/controller-service.yaml: selectorLabels + component).
 */
export const CONTROLLER_SELECTOR = { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": RELEASE_NAME, "app.kubernetes.io/component": "controller" };

/** The LoadBalancer Service the chart would render (http 80, https 443 to the controller's named ports). */
export function controllerServiceSpec(): k8s.types.input.core.v1.ServiceSpec {
  return {
    type: "LoadBalancer",
    // Keep client addresses (the per-client limits key on them); the balancer
    // health-checks the nodes that run the controller.
    externalTrafficPolicy: "Local",
    selector: CONTROLLER_SELECTOR,
    ports: [
      { name: "http", port: 80, protocol: "TCP", targetPort: "http", appProtocol: "http" },
      { name: "https", port: 443, protocol: "TCP", targetPort: "https", appProtocol: "https" },
    ],
  };
}

export class IngressNginx extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: IngressNginxArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:IngressNginx", name, args, opts);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace, labels: POD_SECURITY.ingress } }, { parent: this });
    this.namespace = ns.metadata.name;
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: RELEASE_NAME,
        namespace: this.namespace,
        ...chartSource(CHARTS.ingressNginx),
        values: ingressNginxValues(args),
        timeout: 600,
        atomic: false,
        cleanupOnFail: true,
      },
      { parent: this },
    );
    if (args.serviceType === "LoadBalancer") {
      new k8s.core.v1.Service(
        `${name}-controller`,
        {
          // An address may never come (kind, minikube without a tunnel): don't wait for one.
          metadata: { name: CONTROLLER_SERVICE, namespace: this.namespace, annotations: { "pulumi.com/skipAwait": "true" } },
          spec: controllerServiceSpec(),
        },
        { parent: this, dependsOn: [this.release] },
      );
    }
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
