/**
 * The authorization graph as Linkerd policy (pure). The namespace's default
 * inbound policy is `deny`; each target gets a Server on its port
 * (`accessPolicy: deny`: nothing unless authorized) and:
 *
 * - a service: HTTPRoutes attached to its Server, each with its own
 *   AuthorizationPolicy (servicePolicies below): one per operation the graph
 *   grants (method and path) for the callers granted it, GET /metrics for
 *   Prometheus's identity, GET /healthz and /readyz for the kubelet (the
 *   policy controller keeps its default probe authorization only on a Server
 *   without routes, policy-controller inbound/index.rs);
 * - Redis (no HTTP): its users' identities on the whole port; and a Server
 *   on its exporter sidecar's port (HTTP) whose one route, GET /metrics,
 *   admits Prometheus's identity.
 *
 * And for the proxies' own metrics: their admin port admits viz's Prometheus
 * (`linkerd viz stat`) and, with monitoring, the platform's Prometheus
 * (the dashboard's Linkerd canary row) on GET /metrics, and the kubelet on
 * the proxies' own probe paths (what `linkerd viz allow-scrapes` generates).
 */
import { SERVICES, type ServiceName } from "../../../services/topology";
import type { AuthzEdge, Operation, Topology } from "../../authz/graph";
import { REDIS_EXPORTER_PORT_NAME } from "../../redis/redis-spec";
import { callerIdentities, identityOf, targetsOf, type MeshPeers, type Target, type WorkloadIdentity } from "../mesh-identities";
import { LINKERD_VIZ_NAMESPACE, VIZ_PROMETHEUS_SERVICE_ACCOUNT } from "./linkerd-values";

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

/** An HTTPRoute attached to a Server (for authorization), with these matches. */
function serverRoute(server: string, name: string, matches: Record<string, unknown>[]): PolicyObject {
  return { apiVersion: ROUTE_API, kind: "HTTPRoute", name, spec: { parentRefs: [{ group: POLICY_GROUP, kind: "Server", name: server }], rules: [{ matches }] } };
}

function routePolicy(name: string, authn: { kind: string; name: string }): PolicyObject {
  return { apiVersion: POLICY_API, kind: "AuthorizationPolicy", name, spec: authorizationSpec(route(name), [authn]) };
}

/** A route's match for an operation: Exact, or PathPrefix (element-wise in Gateway API, as the graph means it). */
export function operationMatch(op: Operation): Record<string, unknown> {
  return { path: { type: op.match === "exact" ? "Exact" : "PathPrefix", value: op.path }, method: op.method };
}

/** A route's name for an operation on a target: `orders-post-orders`, `gateway-get-root`. */
export function operationRouteName(target: string, op: Operation): string {
  const slug = op.path === "/" ? "root" : op.path.replace(/^\//, "").replace(/[^a-z0-9]+/g, "-");
  return `${target}-${op.method.toLowerCase()}-${slug}`;
}

/**
 * A service's policy, per route. Once a route is attached to a Server, the
 * policy controller drops its default probe authorization, a request
 * matching no route is refused, and the most specific matching route alone
 * decides; so authorization is keyed by what is asked, not by who asks:
 * - one route per operation the graph grants on the service (method and
 *   path), admitting exactly the callers granted it: the gateway may GET
 *   /orders, only cart may POST /orders;
 * - `<svc>-metrics` (GET /metrics): Prometheus's identity only;
 * - `<svc>-probes` (GET /healthz, /readyz): the kubelet, from the probe networks.
 */
function servicePolicies(target: ServiceName, edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology): PolicyObject[] {
  const granted = edges.filter((e) => e.to === target && (e.kind === "call" || e.kind === "ingress"));
  if (granted.length === 0) throw new Error(`${target} has no callers in the graph: it needs no Server`);
  const operations = new Map<string, { op: Operation; callers: WorkloadIdentity[] }>();
  for (const edge of granted) {
    const id = identityOf(edge.from, peers);
    for (const op of edge.operations ?? []) {
      const name = operationRouteName(target, op);
      const entry = operations.get(name) ?? { op, callers: [] };
      if (entry.op.match !== op.match || entry.op.path !== op.path) throw new Error(`${name}: two operations share a route name`);
      if (id) entry.callers.push(id);
      operations.set(name, entry);
    }
  }
  const scraped = callerIdentities(target, edges, peers, ["scrape"]).length > 0;
  const perOperation = [...operations].flatMap(([name, { op, callers }]): PolicyObject[] => [
    serverRoute(target, name, [operationMatch(op)]),
    { apiVersion: POLICY_API, kind: "MeshTLSAuthentication", name, spec: meshTlsSpec(callers) },
    routePolicy(name, { kind: "MeshTLSAuthentication", name }),
  ]);
  return [
    { apiVersion: SERVER_API, kind: "Server", name: target, spec: serverSpec(target, topology) },
    ...perOperation,
    // HEAD too (the scrape edge grants both): the edge's HEAD / must never be the best match for /metrics.
    serverRoute(target, `${target}-metrics`, ["GET", "HEAD"].map((method) => ({ path: { type: "Exact", value: "/metrics" }, method }))),
    ...(scraped ? [routePolicy(`${target}-metrics`, { kind: "MeshTLSAuthentication", name: SCRAPER_AUTHN })] : []),
    serverRoute(target, `${target}-probes`, PROBE_PATHS.map((value) => ({ path: { type: "Exact", value }, method: "GET" }))),
    routePolicy(`${target}-probes`, { kind: "NetworkAuthentication", name: KUBELET_AUTHN }),
  ];
}

/** The Server, route and scrape authorization of Redis's exporter sidecar: GET (and HEAD) /metrics, Prometheus's identity only. */
export const REDIS_METRICS_SERVER = "redis-metrics";

function redisMetricsPolicies(edges: readonly AuthzEdge[], peers: MeshPeers): PolicyObject[] {
  const scrape = edges.find((e) => e.to === "redis" && e.kind === "scrape");
  if (!scrape) return [];
  const server: PolicyObject = {
    apiVersion: SERVER_API,
    kind: "Server",
    name: REDIS_METRICS_SERVER,
    // The exporter's named container port (infra/redis/redis-spec.ts), in Redis's pod.
    spec: { podSelector: { matchLabels: { app: "redis" } }, port: REDIS_EXPORTER_PORT_NAME, proxyProtocol: "HTTP/1", accessPolicy: "deny" },
  };
  const scraped = callerIdentities("redis", edges, peers, ["scrape"]).length > 0;
  return [
    server,
    serverRoute(REDIS_METRICS_SERVER, REDIS_METRICS_SERVER, (scrape.operations ?? []).map(operationMatch)),
    ...(scraped ? [routePolicy(REDIS_METRICS_SERVER, { kind: "MeshTLSAuthentication", name: SCRAPER_AUTHN })] : []),
  ];
}

/** Redis speaks no HTTP: its Server admits its users' identities on the whole port; its exporter has its own Server. */
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
    ...redisMetricsPolicies(edges, peers),
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

/**
 * The proxies' admin port: viz's Prometheus on /metrics and, when the stack
 * has one (peers.monitoring), the platform's Prometheus too (its own
 * AuthorizationPolicy on the route: a policy's requiredAuthenticationRefs
 * must all match, so a second identity is a second policy); the kubelet on
 * /live and /ready.
 */
export function proxyAdminPolicies(peers?: Pick<MeshPeers, "monitoring">): PolicyObject[] {
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
    ...(peers?.monitoring
      ? [
          {
            apiVersion: POLICY_API,
            kind: "AuthorizationPolicy" as const,
            name: "proxy-metrics-prometheus",
            spec: authorizationSpec(route("proxy-metrics"), [{ kind: "MeshTLSAuthentication", name: SCRAPER_AUTHN }]),
          },
        ]
      : []),
    {
      apiVersion: POLICY_API,
      kind: "AuthorizationPolicy",
      name: "proxy-probes",
      spec: authorizationSpec(route("proxy-probes"), [{ kind: "NetworkAuthentication", name: KUBELET_AUTHN }]),
    },
  ];
}
