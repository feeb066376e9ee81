/**
 * The shop's Ingress: `/` (storefront) and `/api` both go to the gateway,
 * the only public service. The edge never retries (the hop nearest a failing
 * leaf does: services/budgets.ts) and waits for the gateway longer than the
 * gateway may take.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { timeBudgets } from "../services/budgets";
import { PART_OF } from "./labels";

export interface ShopIngressArgs {
  readonly namespace: pulumi.Input<string>;
  readonly className: pulumi.Input<string>;
  /** Host to answer for; empty: any host. */
  readonly host: string;
  /** The backend Service and its port. */
  readonly serviceName: pulumi.Input<string>;
  readonly servicePort: number;
  /** Annotations of the Ingress (e.g. how the controller reaches a meshed backend); the edge's own are added. */
  readonly annotations?: Record<string, string>;
  /** The leaf budget (UPSTREAM_TIMEOUT_MS) the edge's read timeout derives from. */
  readonly upstreamTimeoutMs: number;
}

/**
 * ingress-nginx (controller v1.15.1): no next upstream ("off"; its default
 * "error timeout" tries 3 times), and a read timeout in whole seconds above
 * the gateway's call budget (default 60 s).
 */
export function edgeAnnotations(upstreamTimeoutMs: number): Record<string, string> {
  return {
    "nginx.ingress.kubernetes.io/proxy-next-upstream": "off",
    "nginx.ingress.kubernetes.io/proxy-read-timeout": String(timeBudgets(upstreamTimeoutMs).edgeMs / 1000),
  };
}

export const INGRESS_PATHS = ["/", "/api"] as const;

export function ingressSpec(a: { className: pulumi.Input<string>; host: string; serviceName: pulumi.Input<string>; servicePort: number }): k8s.types.input.networking.v1.IngressSpec {
  const paths = INGRESS_PATHS.map((path) => ({
    path,
    pathType: "Prefix",
    backend: { service: { name: a.serviceName, port: { number: a.servicePort } } },
  }));
  return { ingressClassName: a.className, rules: [{ ...(a.host ? { host: a.host } : {}), http: { paths } }] };
}

export class ShopIngress extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: ShopIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:network:ShopIngress", name, args, opts);
    const ingress = new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        metadata: {
          name: PART_OF,
          namespace: args.namespace,
          labels: { "app.kubernetes.io/part-of": PART_OF },
          annotations: { ...args.annotations, ...edgeAnnotations(args.upstreamTimeoutMs) },
        },
        spec: ingressSpec(args),
      },
      { parent: this },
    );
    this.name = ingress.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
