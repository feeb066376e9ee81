/**
 * Who is who for a mesh: every party of the authorization graph as a
 * workload identity (namespace + service account), which both meshes turn
 * into their own identity strings (Istio principals, Linkerd identityRefs).
 * Pure; the stacks fill MeshPeers from the platform and the Shop.
 */
import { REDIS_PORT, SERVICE_NAMES, SERVICES, type ServiceName } from "../../services/topology";
import { REDIS_APP } from "../redis/redis-spec";
import { serviceAccountName } from "../workload/spec";
import { COLLECTOR, LOAD_GENERATOR, type AuthzEdge, type Peer, type Topology } from "../authz/graph";

/** A workload's mesh identity: the service account it runs as, in its namespace. */
export interface WorkloadIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export type Target = ServiceName | "redis";

/** Every target of the graph: the services, then Redis. */
export const TARGETS: readonly Target[] = [...SERVICE_NAMES, "redis"];

/**
 * The service account a target's pods run as: fixed names (the service's own,
 * and Redis's app name), so policies can name them before the workloads exist.
 */
export function serviceAccountFor(target: Target): string {
  return target === "redis" ? REDIS_APP : serviceAccountName(target);
}

export interface MeshPeers {
  /** The shop's namespace (every service and Redis). */
  readonly namespace: string;
  /** The service account each service (and Redis) runs as. */
  readonly serviceAccounts: { readonly [T in Target]: string };
  /** The ingress controller (meshed, so it has an identity). */
  readonly ingress: WorkloadIdentity;
  /** Prometheus; absent when monitoring is off (then nothing is scraped). */
  readonly monitoring?: WorkloadIdentity;
}

/** The identity of a party of the graph; undefined for an absent platform peer. */
export function identityOf(peer: Peer, peers: MeshPeers): WorkloadIdentity | undefined {
  switch (peer) {
    case "ingress":
      return peers.ingress;
    case "monitoring":
      return peers.monitoring;
    case LOAD_GENERATOR:
      // Its fixed service account in the shop's namespace (infra/workload/load-generator.ts).
      return { namespace: peers.namespace, serviceAccount: serviceAccountName(LOAD_GENERATOR) };
    default:
      return { namespace: peers.namespace, serviceAccount: peers.serviceAccounts[peer] };
  }
}

/**
 * Every target of the graph in the shop's namespace (services and Redis), in
 * the edges' order. The edge itself is not one: it is the ingress
 * controller's, in its own namespace, and admits everyone (the internet);
 * nor is the tracing collector, in its own namespace (reached by an egress
 * rule, infra/policy/collector-egress.ts).
 */
export function targetsOf(edges: readonly AuthzEdge[]): Target[] {
  return [...new Set(edges.map((e) => e.to))].filter((t): t is Target => t !== "ingress" && t !== COLLECTOR);
}

/** The port a target serves on. */
export function portOf(target: Target, topology: Topology = SERVICES): number {
  return target === "redis" ? REDIS_PORT : topology[target].port;
}

/** The identities allowed to reach `target` through edges of the given kinds (absent peers dropped). */
export function callerIdentities(
  target: Target,
  edges: readonly AuthzEdge[],
  peers: MeshPeers,
  kinds: readonly AuthzEdge["kind"][],
): WorkloadIdentity[] {
  return edges
    .filter((e) => e.to === target && kinds.includes(e.kind))
    .map((e) => identityOf(e.from, peers))
    .filter((i): i is WorkloadIdentity => i !== undefined);
}

/** Fully qualified in-cluster host of a Service. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}
