/**
 * The authorization graph as Istio security policy (pure): STRICT mTLS for
 * the namespace, an allow-nothing AuthorizationPolicy (default deny), and per
 * target one ALLOW policy whose rules name exactly its callers' principals,
 * on its own port and any path but /metrics; Prometheus may only GET
 * /metrics. Everything is derived from the edges, nothing is listed by hand.
 */
import type { AuthzEdge, Topology } from "../../authz/graph";
import { SERVICES } from "../../../services/topology";
import { callerIdentities, portOf, targetsOf, type MeshPeers, type Target, type WorkloadIdentity } from "../peers";
import { TRUST_DOMAIN } from "./values";

export interface NamedSpec {
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

/** The SPIFFE-style principal Istio authenticates a workload as. */
export function principal(id: WorkloadIdentity, trustDomain = TRUST_DOMAIN): string {
  return `${trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}

/** Every workload of the namespace accepts mutual TLS only. */
export function peerAuthenticationSpec(): Record<string, unknown> {
  return { mtls: { mode: "STRICT" } };
}

/** An ALLOW policy without rules matches nothing: with it, whatever no other policy allows is denied. */
export const ALLOW_NOTHING: NamedSpec = { name: "allow-nothing", spec: {} };

/** A target's ALLOW policy; without callers it has no rules and so, like allow-nothing, admits nothing. */
function targetPolicy(target: Target, edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology): NamedSpec {
  const port = String(portOf(target, topology));
  const callers = callerIdentities(target, edges, peers, ["call", "ingress", "redis"]).map((id) => principal(id));
  const scrapers = callerIdentities(target, edges, peers, ["scrape"]).map((id) => principal(id));
  const rules: Record<string, unknown>[] = [];
  if (callers.length > 0) {
    // /metrics is Prometheus's alone (the rule below), not the API callers'. Redis
    // speaks no HTTP: an HTTP condition there would make the rule match nothing.
    const operation = target === "redis" ? { ports: [port] } : { ports: [port], notPaths: [METRICS_PATH] };
    rules.push({ from: [{ source: { principals: callers } }], to: [{ operation }] });
  }
  if (scrapers.length > 0) {
    rules.push({
      from: [{ source: { principals: scrapers } }],
      to: [{ operation: { methods: ["GET"], paths: [METRICS_PATH], ports: [port] } }],
    });
  }
  return { name: target, spec: { selector: { matchLabels: { app: target } }, action: "ALLOW", rules } };
}

/** The services' metrics path: Prometheus's only. */
export const METRICS_PATH = "/metrics";

/** allow-nothing first, then one ALLOW policy per target. */
export function authorizationPolicySpecs(edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology = SERVICES): NamedSpec[] {
  return [ALLOW_NOTHING, ...targetsOf(edges).map((t) => targetPolicy(t, edges, peers, topology))];
}
