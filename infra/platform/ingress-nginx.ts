/**
 * ingress-nginx, installed with helm.v3.Release because its admission webhook
 * is set up by hook Jobs (helm.v4.Chart skips hooks). The release is always
 * awaited, so the Ingress (which the webhook, `failurePolicy: Fail`, must
 * admit) comes after a ready controller. Helm's wait would also wait for a
 * LoadBalancer's address, which never comes without a cloud controller; so a
 * LoadBalancer Service is not the chart's but the program's own, the same
 * the chart would render, and not awaited unless MetalLB gives it an
 * address (`awaitLoadBalancer`): then Pulumi waits for
 * status.loadBalancer.ingress and `balancerAddress` is that address.
 *
 * With TLS at the edge the controller serves the edge's Secret as its default
 * certificate (the catch-all server of an Ingress without a host never uses
 * the Ingress's own `tls`), and sends HSTS on HTTPS responses; without it,
 * no HSTS (the controller still answers 443 with its own fake certificate).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_SECURITY } from "../pod-security";
import { chartSource, CHARTS } from "./platform-charts";

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
  /** HTTPS node port when serviceType is NodePort. */
  readonly httpsNodePort?: number;
  /** The edge's TLS Secret as <namespace>/<name>; absent: plain HTTP (no HSTS). */
  readonly defaultCertificate?: string;
  /** LoadBalancer: wait for the address (MetalLB gives one) after these (its pool); absent: do not wait. */
  readonly awaitLoadBalancer?: { readonly after: pulumi.Resource[] };
}

/**
 * HSTS (ingress-nginx controller v1.15.1 ConfigMap keys, defaults true /
 * 31536000 / true): a year, and not for subdomains, which the shop does not
 * own (ingressHost may be a nip.io name). Off without TLS.
 */
export function hstsConfig(tls: boolean): Record<string, string> {
  return tls ? { hsts: "true", "hsts-max-age": "31536000", "hsts-include-subdomains": "false" } : { hsts: "false" };
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
/** The controller pods' HTTPS port (the chart's controller.containerPort.https), which its Service's port 443 targets. */
export const CONTROLLER_HTTPS_PORT = 443;
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
        ...(args.serviceType === "NodePort" ? { nodePorts: { http: String(args.nodePort), ...(args.httpsNodePort ? { https: String(args.httpsNodePort) } : {}) } } : {}),
        // A LoadBalancer is controllerService() below, outside Helm's wait.
        ...(args.serviceType === "LoadBalancer" ? { external: { enabled: false } } : {}),
      },
      // Without the chart's external Service the chart passes no --publish-service
      // (_params.tpl): name ours, so the Ingresses report the balancer's address.
      ...(args.serviceType === "LoadBalancer" || args.defaultCertificate
        ? {
            extraArgs: {
              ...(args.serviceType === "LoadBalancer" ? { "publish-service": `${args.namespace}/${CONTROLLER_SERVICE}` } : {}),
              ...(args.defaultCertificate ? { "default-ssl-certificate": args.defaultCertificate } : {}),
            },
          }
        : {}),
      config: hstsConfig(args.defaultCertificate !== undefined),
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
  /** The LoadBalancer's address (IP, else host name) once it has one; undefined when not awaited or not a LoadBalancer. */
  public readonly balancerAddress: pulumi.Output<string | undefined>;

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
    this.balancerAddress = pulumi.output(undefined as string | undefined);
    if (args.serviceType === "LoadBalancer") {
      const wait = args.awaitLoadBalancer;
      const service = new k8s.core.v1.Service(
        `${name}-controller`,
        {
          // Without MetalLB an address may never come (kind, minikube without a tunnel): don't wait for one.
          metadata: { name: CONTROLLER_SERVICE, namespace: this.namespace, ...(wait ? {} : { annotations: { "pulumi.com/skipAwait": "true" } }) },
          spec: controllerServiceSpec(),
        },
        { parent: this, dependsOn: [this.release, ...(wait?.after ?? [])] },
      );
      if (wait) this.balancerAddress = service.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.ip ?? s?.loadBalancer?.ingress?.[0]?.hostname);
    }
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
