/**
 * The authorization graph (docs/architecture.md), derived from the topology instead of
 * being written down a second time. Every enforcement mechanism (NetworkPolicies
 * in dev, mesh policies in istio/linkerd) is generated from `authzEdges`.
 */
import { CALL_OPERATIONS, SERVICE_NAMES, SERVICES, type Operation, type ServiceName, type ServiceSpec } from "../../services/topology";
import { REDIS_EXPORTER_PORT } from "../redis/redis-spec";

export type { Operation } from "../../services/topology";

/** The load generator (infra/workload/load-generator.ts): a shopper's client inside the cluster, not a service. */
export const LOAD_GENERATOR = "load-generator";

/** A party that may open connections: one of our services, a platform peer, or the load generator. */
export type Peer = ServiceName | "redis" | "ingress" | "monitoring" | typeof LOAD_GENERATOR;

/** What an edge can reach: a service, Redis, the edge itself (the ingress controller), or the tracing backend's collector. */
export type EdgeTarget = ServiceName | "redis" | "ingress" | typeof COLLECTOR;

/** The tracing backend's collector (infra/platform/jaeger-values.ts): outside the shop's namespace, like the edge. */
export const COLLECTOR = "collector";

/**
 * What an edge grants: a plain service call, Redis access, the edge's call
 * to a public service, a scrape of /metrics, or a shopper's request to the
 * edge (the load generator's only edge).
 */
export type EdgeKind = "call" | "redis" | "ingress" | "scrape" | "shopper" | "traces";

export interface AuthzEdge {
  readonly from: Peer;
  readonly to: EdgeTarget;
  readonly kind: EdgeKind;
  /** What the caller may ask (HTTP edges); absent for Redis (no HTTP: the whole port). */
  readonly operations?: readonly Operation[];
  /**
   * The target's port the edge reaches when it is not the one the target
   * serves on: Prometheus → Redis reaches the exporter sidecar's HTTP port
   * (REDIS_EXPORTER_PORT), never Redis's own. Absent: the target's port.
   */
  readonly port?: number;
}

/**
 * What the edge may ask of the public service: the storefront and its assets
 * (any GET), and the public API's state changes (cart). The gateway's own
 * allowlist is the finer line; /metrics, /healthz and /readyz are refused at
 * the edge itself.
 */
export const INGRESS_OPERATIONS: readonly Operation[] = [
  { method: "GET", path: "/", match: "prefix" },
  // The gateway answers HEAD wherever it answers GET (browsers, uptime checks).
  { method: "HEAD", path: "/", match: "prefix" },
  { method: "POST", path: "/api/cart", match: "prefix" },
  { method: "DELETE", path: "/api/cart", match: "prefix" },
];

/** What Prometheus may ask of every service (HEAD is GET without the body). */
export const SCRAPE_OPERATIONS: readonly Operation[] = [
  { method: "GET", path: "/metrics", match: "exact" },
  { method: "HEAD", path: "/metrics", match: "exact" },
];

/** What a service may ask of the collector: OTLP/HTTP's traces export (services/kit/tracing-config.ts: <endpoint>/v1/traces). */
export const TRACES_OPERATIONS: readonly Operation[] = [{ method: "POST", path: "/v1/traces", match: "exact" }];

export type CallOperations = typeof CALL_OPERATIONS;

/** What `caller` may ask of `upstream`; an edge of `calls` without an entry is an error. */
export function callOperations(caller: ServiceName, upstream: ServiceName, table: CallOperations = CALL_OPERATIONS): readonly Operation[] {
  const ops = table[caller][upstream];
  if (!ops || ops.length === 0) throw new Error(`${caller} calls ${upstream} but CALL_OPERATIONS says nothing of what it may ask`);
  return ops;
}

export type Topology = { readonly [N in ServiceName]: ServiceSpec };

export interface GraphOptions {
  /** The load generator is deployed: it may reach the edge, as any shopper may, and nothing else. */
  readonly loadGenerator?: boolean;
  /** The tracing backend is installed: every service may send it its spans, and nothing else of it. */
  readonly tracing?: boolean;
}

/**
 * Every allowed connection, and nothing else: the services' `calls`, ingress →
 * each public service, each Redis user → redis, monitoring → every service
 * (its /metrics) and, when some service keeps state there, → Redis's
 * exporter (its /metrics on REDIS_EXPORTER_PORT, not Redis's port), and,
 * when deployed, the load generator → the edge (what a
 * shopper may ask of it). Nobody may reach the load generator. Sorted, so
 * generated policies are stable across runs.
 */
export function authzEdges(topology: Topology = SERVICES, operations: CallOperations = CALL_OPERATIONS, options: GraphOptions = {}): AuthzEdge[] {
  const edges: AuthzEdge[] = [];
  if (options.loadGenerator) edges.push({ from: LOAD_GENERATOR, to: "ingress", kind: "shopper", operations: INGRESS_OPERATIONS });
  for (const name of SERVICE_NAMES) {
    const spec = topology[name];
    if (spec.public) edges.push({ from: "ingress", to: name, kind: "ingress", operations: INGRESS_OPERATIONS });
    for (const upstream of spec.calls) edges.push({ from: name, to: upstream, kind: "call", operations: callOperations(name, upstream, operations) });
    if (spec.redis) edges.push({ from: name, to: "redis", kind: "redis" });
    edges.push({ from: "monitoring", to: name, kind: "scrape", operations: SCRAPE_OPERATIONS });
    if (options.tracing) edges.push({ from: name, to: COLLECTOR, kind: "traces", operations: TRACES_OPERATIONS });
  }
  if (SERVICE_NAMES.some((name) => topology[name].redis)) edges.push({ from: "monitoring", to: "redis", kind: "scrape", operations: SCRAPE_OPERATIONS, port: REDIS_EXPORTER_PORT });
  return edges.sort((a, b) => `${a.to}<${a.from}`.localeCompare(`${b.to}<${b.from}`));
}

/** The peers allowed to reach `target`, in the order of `authzEdges`. */
export function allowedCallers(target: EdgeTarget, edges: readonly AuthzEdge[] = authzEdges()): Peer[] {
  return edges.filter((e) => e.to === target).map((e) => e.from);
}

/** The targets `source` may reach (services, redis, the edge). */
export function allowedTargets(source: Peer, edges: readonly AuthzEdge[] = authzEdges()): EdgeTarget[] {
  return edges.filter((e) => e.from === source).map((e) => e.to);
}
