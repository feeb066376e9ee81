/**
 * The authorization graph as Linkerd policy (pure). The namespace's default
 * inbound policy is `deny`; each target gets a Server on its port
 * (`accessPolicy: deny`: nothing unless authorized) and:
 *
 * - a service: three HTTPRoutes attached to its Server, each with its own
 *   AuthorizationPolicy (servicePolicies below): GET /metrics for
 *   Prometheus's identity, GET /healthz and /readyz for the kubelet (the
 *   policy controller keeps its default probe authorization only on a Server
 *   without routes, policy-controller inbound/index.rs), everything else for
 *   the service's callers (a MeshTLSAuthentication naming their accounts);
 * - Redis (no HTTP): its users' identities on the whole port.
 *
 * And for linkerd-viz (`linkerd viz stat`, the canary split): the proxies'
 * admin port admits viz's Prometheus on GET /metrics and the kubelet on the
 * proxies' own probe paths (what `linkerd viz allow-scrapes` generates).
 */
import { SERVICES, type ServiceName } from "../../../services/topology";
import type { AuthzEdge, Topology } from "../../authz/graph";
import { callerIdentities, targetsOf, type MeshPeers, type Target, type WorkloadIdentity } from "../peers";
import { LINKERD_VIZ_NAMESPACE, VIZ_PROMETHEUS_SERVICE_ACCOUNT } from "./values";

export const POLICY_GROUP = "policy.linkerd.io";
export const SERVER_API = `${POLICY_GROUP}/v1beta3`;
export const POLICY_API = `${POLICY_GROUP}/v1alpha1`;
export const GATEWAY_GROUP = "gateway.networking.k8s.io";

export interface PolicyObject {
  readonly apiVersion: string;
  readonly kind: "Server" | "MeshTLSAuthentication" | "NetworkAuthentication" | "AuthorizationPolicy" | "HTTPRoute";
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

/** The Server of a target: its pods (by app), its named port, its protocol. */
export function serverSpec(target: Target, topology: Topology = SERVICES): Record<string, unknown> {
  const redis = target === "redis";
  if (!redis && !(target in topology)) throw new Error(`unknown target ${target}`);
  return {
    podSelector: { matchLabels: { app: target } },
    port: redis ? "redis" : "http",
    // Redis is server-first-safe but opaque (no HTTP); the services speak HTTP/1.1.
    proxyProtocol: redis ? "opaque" : "HTTP/1",
    accessPolicy: "deny",
  };
}

export function meshTlsSpec(identities: readonly WorkloadIdentity[]): Record<string, unknown> {
  if (identities.length === 0) throw new Error("a MeshTLSAuthentication needs at least one identity");
  return { identityRefs: identities.map((id) => ({ kind: "ServiceAccount", name: id.serviceAccount, namespace: id.namespace })) };
}

export function authorizationSpec(target: { group: string; kind: string; name: string }, authentications: { kind: string; name: string; namespace?: string }[]): Record<string, unknown> {
  return {
    targetRef: target,
    requiredAuthenticationRefs: authentications.map((a) => ({ group: POLICY_GROUP, ...a })),
  };
}

const route = (name: string) => ({ group: GATEWAY_GROUP, kind: "HTTPRoute", name });
const ROUTE_API = `${GATEWAY_GROUP}/v1`;
/** The paths of the services' own kubelet probes (infra/workload/spec.ts). */
export const PROBE_PATHS = ["/healthz", "/readyz"] as const;
/** Prometheus's identity, named once for every service's /metrics route. */
export const SCRAPER_AUTHN = "prometheus";
/** Where probes come from (the policy controller's default probeNetworks); one object for every probe route. */
export const KUBELET_AUTHN = "kubelet";

/** An HTTPRoute attached to a Server (for authorization), matching GETs of exact paths, or everything. */
function serverRoute(server: string, name: string, getPaths?: readonly string[]): PolicyObject {
  const matches = getPaths ? getPaths.map((value) => ({ path: { type: "Exact", value }, method: "GET" })) : [{ path: { type: "PathPrefix", value: "/" } }];
  return { apiVersion: ROUTE_API, kind: "HTTPRoute", name, spec: { parentRefs: [{ group: POLICY_GROUP, kind: "Server", name: server }], rules: [{ matches }] } };
}

function routePolicy(name: string, authn: { kind: string; name: string }): PolicyObject {
  return { apiVersion: POLICY_API, kind: "AuthorizationPolicy", name, spec: authorizationSpec(route(name), [authn]) };
}

/**
 * A service's policy, per route: once a route is attached to a Server, the
 * policy controller drops its default probe authorization and a request
 * matching no route is refused, so each service gets three routes, and the
 * most specific one that matches decides:
 * - `<svc>-metrics` (GET /metrics): Prometheus's identity only;
 * - `<svc>-probes` (GET /healthz, /readyz): the kubelet, from the probe networks;
 * - `<svc>-api` (everything else): the service's callers in the graph.
 * Prometheus cannot call the API, and a caller cannot read /metrics.
 */
function servicePolicies(target: ServiceName, edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology): PolicyObject[] {
  const callers = callerIdentities(target, edges, peers, ["call", "ingress"]);
  if (callers.length === 0) throw new Error(`${target} has no callers in the graph: it needs no Server`);
  const scraped = callerIdentities(target, edges, peers, ["scrape"]).length > 0;
  const callersAuthn = `${target}-callers`;
  return [
    { apiVersion: SERVER_API, kind: "Server", name: target, spec: serverSpec(target, topology) },
    serverRoute(target, `${target}-api`),
    serverRoute(target, `${target}-metrics`, ["/metrics"]),
    serverRoute(target, `${target}-probes`, PROBE_PATHS),
    { apiVersion: POLICY_API, kind: "MeshTLSAuthentication", name: callersAuthn, spec: meshTlsSpec(callers) },
    routePolicy(`${target}-api`, { kind: "MeshTLSAuthentication", name: callersAuthn }),
    ...(scraped ? [routePolicy(`${target}-metrics`, { kind: "MeshTLSAuthentication", name: SCRAPER_AUTHN })] : []),
    routePolicy(`${target}-probes`, { kind: "NetworkAuthentication", name: KUBELET_AUTHN }),
  ];
}

/** Redis speaks no HTTP: its Server admits its users' identities on the whole port. */
function redisPolicies(edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology): PolicyObject[] {
  const authn = "redis-callers";
  return [
    { apiVersion: SERVER_API, kind: "Server", name: "redis", spec: serverSpec("redis", topology) },
    { apiVersion: POLICY_API, kind: "MeshTLSAuthentication", name: authn, spec: meshTlsSpec(callerIdentities("redis", edges, peers, ["redis"])) },
    {
      apiVersion: POLICY_API,
      kind: "AuthorizationPolicy",
      name: authn,
      spec: authorizationSpec({ group: POLICY_GROUP, kind: "Server", name: "redis" }, [{ kind: "MeshTLSAuthentication", name: authn }]),
    },
  ];
}

/** Every target's policy, from the edges, plus the authentications they share (Prometheus, the kubelet). */
export function targetPolicies(edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology = SERVICES): PolicyObject[] {
  const shared: PolicyObject[] = [{ apiVersion: POLICY_API, kind: "NetworkAuthentication", name: KUBELET_AUTHN, spec: { networks: PROBE_NETWORKS } }];
  if (peers.monitoring) shared.push({ apiVersion: POLICY_API, kind: "MeshTLSAuthentication", name: SCRAPER_AUTHN, spec: meshTlsSpec([peers.monitoring]) });
  return [
    ...shared,
    ...targetsOf(edges).flatMap((t) => (t === "redis" ? redisPolicies(edges, peers, topology) : servicePolicies(t, edges, peers, topology))),
  ];
}

/** Where probes come from: everywhere, as the policy controller's default probeNetworks. */
export const PROBE_NETWORKS = [{ cidr: "0.0.0.0/0" }, { cidr: "::/0" }];
const ADMIN_SERVER = "linkerd-admin";

function adminRoute(name: string, paths: readonly string[]): PolicyObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: "HTTPRoute",
    name,
    spec: {
      parentRefs: [{ group: POLICY_GROUP, kind: "Server", name: ADMIN_SERVER }],
      rules: [{ matches: paths.map((value) => ({ path: { type: "Exact", value }, method: "GET" })) }],
    },
  };
}

/** The proxies' admin port: viz's Prometheus on /metrics, the kubelet on /live and /ready. */
export function proxyAdminPolicies(): PolicyObject[] {
  return [
    {
      apiVersion: SERVER_API,
      kind: "Server",
      name: ADMIN_SERVER,
      spec: {
        podSelector: { matchExpressions: [{ key: "linkerd.io/control-plane-ns", operator: "Exists" }] },
        port: "linkerd-admin",
        proxyProtocol: "HTTP/1",
        accessPolicy: "deny",
      },
    },
    adminRoute("proxy-metrics", ["/metrics"]),
    adminRoute("proxy-probes", ["/live", "/ready"]),
    {
      apiVersion: POLICY_API,
      kind: "MeshTLSAuthentication",
      name: "linkerd-viz-prometheus",
      spec: meshTlsSpec([{ namespace: LINKERD_VIZ_NAMESPACE, serviceAccount: VIZ_PROMETHEUS_SERVICE_ACCOUNT }]),
    },
    {
      apiVersion: POLICY_API,
      kind: "AuthorizationPolicy",
      name: "proxy-metrics",
      spec: authorizationSpec(route("proxy-metrics"), [{ kind: "MeshTLSAuthentication", name: "linkerd-viz-prometheus" }]),
    },
    {
      apiVersion: POLICY_API,
      kind: "AuthorizationPolicy",
      name: "proxy-probes",
      spec: authorizationSpec(route("proxy-probes"), [{ kind: "NetworkAuthentication", name: KUBELET_AUTHN }]),
    },
  ];
}
