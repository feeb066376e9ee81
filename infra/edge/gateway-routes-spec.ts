/**
 * The Gateway API edge's objects (pure): one Gateway and the shop's
 * HTTPRoutes, the same public surface as the Ingresses (infra/ingress.ts).
 *
 * - The Gateway, in the edge's own namespace, listens for plain HTTP on 80
 *   and, with TLS, HTTPS on 443 terminated with the edge's certificate (a
 *   Secret beside it, so no ReferenceGrant is needed). Only HTTPRoutes of the
 *   shop's namespace may attach.
 * - The public route sends INGRESS_PATHS (PathPrefix) to the gateway Service
 *   and refuses CLUSTER_ONLY_PATHS with an Exact rule that has no backend:
 *   the Gateway API says such a rule forwards nothing (Istio 1.30.3 answers
 *   404; docs/upstream.md), and Exact beats any prefix.
 * - With TLS the public route attaches to the HTTPS listener and sets HSTS
 *   (ResponseHeaderModifier, core); the HTTP listener gets a route that
 *   redirects everything to https (308, method kept), as ingress-nginx's
 *   force-ssl-redirect does.
 * - The request timeout is the edge's budget (services/budgets.ts), above the
 *   gateway's own.
 */
import type * as pulumi from "@pulumi/pulumi";
import { timeBudgets } from "../../services/budgets";
import { CLUSTER_ONLY_PATHS, INGRESS_PATHS } from "../ingress";
import { PART_OF } from "../labels";

export const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
/** The Gateway's name (istiod names its workload after it). */
export const EDGE_GATEWAY_NAME = PART_OF;
/** The edge's own namespace (the Gateway, its pods, its certificate). */
export const EDGE_GATEWAY_NAMESPACE = `${PART_OF}-edge`;
export const HTTP_LISTENER = "http";
export const HTTPS_LISTENER = "https";
/** HSTS as ingress-nginx sends it (hstsConfig): a year, not for subdomains the shop does not own. */
export const HSTS_HEADER = { name: "Strict-Transport-Security", value: "max-age=31536000" } as const;
/** Plain HTTP answered with a redirect to https, method and body kept. */
export const REDIRECT_STATUS = 308;

export interface GatewaySpecArgs {
  readonly className: string;
  /** Host to answer for; empty: any host. */
  readonly host: string;
  /** The only namespace whose routes may attach (the shop's). */
  readonly routeNamespace: string;
  /** The certificate Secret in the Gateway's namespace; absent: HTTP only. */
  readonly tlsSecretName?: pulumi.Input<string>;
  /** A ConfigMap of implementation parameters in the Gateway's namespace. */
  readonly parametersConfigMap?: string;
}

function allowedRoutes(namespace: string): Record<string, unknown> {
  return {
    namespaces: { from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } },
    kinds: [{ group: GATEWAY_API_GROUP, kind: "HTTPRoute" }],
  };
}

export function gatewaySpec(a: GatewaySpecArgs): Record<string, unknown> {
  const common = { ...(a.host ? { hostname: a.host } : {}), allowedRoutes: allowedRoutes(a.routeNamespace) };
  return {
    gatewayClassName: a.className,
    ...(a.parametersConfigMap ? { infrastructure: { parametersRef: { group: "", kind: "ConfigMap", name: a.parametersConfigMap } } } : {}),
    listeners: [
      { name: HTTP_LISTENER, port: 80, protocol: "HTTP", ...common },
      ...(a.tlsSecretName
        ? [{ name: HTTPS_LISTENER, port: 443, protocol: "HTTPS", ...common, tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: a.tlsSecretName }] } }]
        : []),
    ],
  };
}

export interface RouteSpecArgs {
  readonly gateway: { readonly name: string; readonly namespace: string };
  readonly host: string;
  /** The gateway Service and its port. */
  readonly backend: { readonly name: pulumi.Input<string>; readonly port: number };
  readonly upstreamTimeoutMs: number;
  /** HTTPS: attach to the HTTPS listener and send HSTS. */
  readonly tls: boolean;
}

function parentRef(a: RouteSpecArgs, listener: string): Record<string, unknown> {
  return { group: GATEWAY_API_GROUP, kind: "Gateway", namespace: a.gateway.namespace, name: a.gateway.name, sectionName: listener };
}

/** The public route: the Ingress's paths to the gateway, the cluster-only paths to nothing. */
export function publicRouteSpec(a: RouteSpecArgs): Record<string, unknown> {
  return {
    parentRefs: [parentRef(a, a.tls ? HTTPS_LISTENER : HTTP_LISTENER)],
    ...(a.host ? { hostnames: [a.host] } : {}),
    rules: [
      {
        matches: INGRESS_PATHS.map((value) => ({ path: { type: "PathPrefix", value } })),
        ...(a.tls ? { filters: [{ type: "ResponseHeaderModifier", responseHeaderModifier: { set: [{ ...HSTS_HEADER }] } }] } : {}),
        backendRefs: [{ group: "", kind: "Service", name: a.backend.name, port: a.backend.port }],
        timeouts: { request: `${timeBudgets(a.upstreamTimeoutMs).edgeMs}ms` },
      },
      // No backendRefs: never forwarded.
      { matches: CLUSTER_ONLY_PATHS.map((value) => ({ path: { type: "Exact", value } })) },
    ],
  };
}

/** With TLS: everything on plain HTTP is redirected to https. */
export function redirectRouteSpec(a: RouteSpecArgs): Record<string, unknown> {
  return {
    parentRefs: [parentRef(a, HTTP_LISTENER)],
    ...(a.host ? { hostnames: [a.host] } : {}),
    rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: REDIRECT_STATUS } }] }],
  };
}
