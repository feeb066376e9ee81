/**
 * The shop's Ingresses: `/` (storefront) and `/api` both go to the gateway,
 * the only public service, with per-client limits. The edge never retries
 * (the hop nearest a failing leaf does: services/budgets.ts) and waits for the
 * gateway longer than the gateway may take. A second Ingress refuses the
 * gateway's own /metrics, /healthz and /readyz (they are for the cluster):
 * Exact paths, which ingress-nginx matches before any Prefix, denied to every
 * source address (403).
 *
 * With TLS (meshmart:edgeTls) both Ingresses name the edge's certificate
 * Secret and redirect plain HTTP to HTTPS (308): `force-ssl-redirect`, since
 * the plain `ssl-redirect` applies only where the controller finds a
 * certificate for the request's host, which the catch-all server (no
 * ingressHost) never has. HSTS is the controller's (ingress-nginx.ts).
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
  /** Per client address and controller replica: requests a second, and concurrent connections. */
  readonly limits: EdgeLimits;
  /**
   * Do not wait for the Ingresses' address: a LoadBalancer's may never come
   * (kind, minikube without a tunnel), and the controller reports it.
   */
  readonly skipAwait?: boolean;
  /** The edge's TLS Secret in the namespace; absent: plain HTTP. */
  readonly tlsSecretName?: pulumi.Input<string>;
}

export interface EdgeLimits {
  readonly rps: number;
  readonly connections: number;
}

/** Paths of the gateway that are the cluster's, never the internet's. */
export const CLUSTER_ONLY_PATHS = ["/metrics", "/healthz", "/readyz"] as const;
/** Every source address, IPv4 and IPv6. */
const EVERYONE = "0.0.0.0/0,::/0";

/**
 * ingress-nginx's per-client limits (a 503 beyond them). The client is the
 * address nginx sees: behind a LoadBalancer that is SNATed unless the
 * controller Service keeps client addresses (externalTrafficPolicy: Local).
 */
export function limitAnnotations(limits: EdgeLimits): Record<string, string> {
  return {
    "nginx.ingress.kubernetes.io/limit-rps": String(limits.rps),
    "nginx.ingress.kubernetes.io/limit-connections": String(limits.connections),
  };
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

/** ingress-nginx (controller v1.15.1): plain HTTP answered with a redirect to HTTPS, whatever the host. */
export const TLS_REDIRECT_ANNOTATIONS: Record<string, string> = { "nginx.ingress.kubernetes.io/force-ssl-redirect": "true" };

export const INGRESS_PATHS = ["/", "/api"] as const;

type SpecArgs = { className: pulumi.Input<string>; host: string; serviceName: pulumi.Input<string>; servicePort: number; tlsSecretName?: pulumi.Input<string> };

function ruleSpec(a: SpecArgs, paths: readonly string[], pathType: "Prefix" | "Exact"): k8s.types.input.networking.v1.IngressSpec {
  const backend = { service: { name: a.serviceName, port: { number: a.servicePort } } };
  return {
    ingressClassName: a.className,
    // Without a host the catch-all server serves the controller's default certificate: the same Secret (ingress-nginx.ts).
    ...(a.tlsSecretName ? { tls: [{ ...(a.host ? { hosts: [a.host] } : {}), secretName: a.tlsSecretName }] } : {}),
    rules: [{ ...(a.host ? { host: a.host } : {}), http: { paths: paths.map((path) => ({ path, pathType, backend })) } }],
  };
}

export function ingressSpec(a: SpecArgs): k8s.types.input.networking.v1.IngressSpec {
  return ruleSpec(a, INGRESS_PATHS, "Prefix");
}

/** The refusing Ingress's spec: the cluster-only paths, Exact (the backend is never reached). */
export function clusterOnlySpec(a: SpecArgs): k8s.types.input.networking.v1.IngressSpec {
  return ruleSpec(a, CLUSTER_ONLY_PATHS, "Exact");
}

export class ShopIngress extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: ShopIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:network:ShopIngress", name, args, opts);
    const skip: Record<string, string> = args.skipAwait ? { "pulumi.com/skipAwait": "true" } : {};
    const redirect = args.tlsSecretName ? TLS_REDIRECT_ANNOTATIONS : {};
    const ingress = new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        metadata: {
          name: PART_OF,
          namespace: args.namespace,
          labels: { "app.kubernetes.io/part-of": PART_OF },
          annotations: { ...args.annotations, ...edgeAnnotations(args.upstreamTimeoutMs), ...limitAnnotations(args.limits), ...redirect, ...skip },
        },
        spec: ingressSpec(args),
      },
      { parent: this },
    );
    new k8s.networking.v1.Ingress(
      `${name}-cluster-only`,
      {
        metadata: {
          name: `${PART_OF}-cluster-only`,
          namespace: args.namespace,
          labels: { "app.kubernetes.io/part-of": PART_OF },
          annotations: { ...args.annotations, "nginx.ingress.kubernetes.io/denylist-source-range": EVERYONE, ...redirect, ...skip },
        },
        spec: clusterOnlySpec(args),
      },
      { parent: this },
    );
    this.name = ingress.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
