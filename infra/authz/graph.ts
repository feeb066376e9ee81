/**
 * The authorization graph (docs/architecture.md), derived from the topology instead of
 * being written down a second time. Every enforcement mechanism (NetworkPolicies
 * in dev, mesh policies in istio/linkerd) is generated from `authzEdges`.
 */
import { SERVICE_NAMES, SERVICES, type ServiceName, type ServiceSpec } from "../../services/topology";

/** A party that may open connections: one of our services, or a platform peer. */
export type Peer = ServiceName | "redis" | "ingress" | "monitoring";

/** What an edge grants: a plain service call, Redis access, or a scrape of /metrics. */
export type EdgeKind = "call" | "redis" | "ingress" | "scrape";

export interface AuthzEdge {
  readonly from: Peer;
  readonly to: ServiceName | "redis";
  readonly kind: EdgeKind;
}

export type Topology = { readonly [N in ServiceName]: ServiceSpec };

/**
 * Every allowed connection, and nothing else: the services' `calls`, ingress →
 * each public service, each Redis user → redis, and monitoring → every service
 * (its /metrics). Sorted, so generated policies are stable across runs.
 */
export function authzEdges(topology: Topology = SERVICES): AuthzEdge[] {
  const edges: AuthzEdge[] = [];
  for (const name of SERVICE_NAMES) {
    const spec = topology[name];
    if (spec.public) edges.push({ from: "ingress", to: name, kind: "ingress" });
    for (const upstream of spec.calls) edges.push({ from: name, to: upstream, kind: "call" });
    if (spec.redis) edges.push({ from: name, to: "redis", kind: "redis" });
    edges.push({ from: "monitoring", to: name, kind: "scrape" });
  }
  return edges.sort((a, b) => `${a.to}<${a.from}`.localeCompare(`${b.to}<${b.from}`));
}

/** The peers allowed to reach `target`, in the order of `authzEdges`. */
export function allowedCallers(target: ServiceName | "redis", edges: readonly AuthzEdge[] = authzEdges()): Peer[] {
  return edges.filter((e) => e.to === target).map((e) => e.from);
}

/** The targets `source` may reach (services and redis). */
export function allowedTargets(source: Peer, edges: readonly AuthzEdge[] = authzEdges()): (ServiceName | "redis")[] {
  return edges.filter((e) => e.from === source).map((e) => e.to);
}
