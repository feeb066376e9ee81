/**
 * The authorization graph as Istio security policy (pure): STRICT mTLS for
 * the namespace, an allow-nothing AuthorizationPolicy (default deny), and per
 * target one ALLOW policy whose rules name exactly its callers' principals
 * and, per caller, the methods and paths the graph grants it (never
 * /metrics, which Prometheus alone may GET). Everything is derived from the
 * edges, nothing is listed by hand.
 */
import type { AuthzEdge, Operation, Topology } from "../../authz/graph";
import { SERVICES } from "../../../services/topology";
import { identityOf, portOf, targetsOf, type MeshPeers, type Target, type WorkloadIdentity } from "../mesh-identities";
import { TRUST_DOMAIN } from "./istio-values";

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

/**
 * Istio's paths for an operation: exact, or a prefix taken element-wise
 * (`/orders` and `/orders/*`, never `/ordersx`; `/` is every path).
 */
export function istioPaths(op: Operation): string[] {
  if (op.match === "exact") return [op.path];
  return op.path === "/" ? ["/*"] : [op.path, `${op.path}/*`];
}

/**
 * A target's ALLOW policy: one rule per edge of the graph, naming the
 * caller's principal and exactly the operations it may ask (methods and
 * paths) on the target's port; /metrics is excluded from every caller's
 * operations but Prometheus's. Redis speaks no HTTP: its callers get the port
 * (an HTTP condition there would make the rule match nothing); Prometheus
 * gets GET /metrics on the exporter sidecar's port (an HTTP port: the
 * redis-metrics Service says appProtocol http), never Redis's. Without
 * callers it has no rules and so, like allow-nothing, admits nothing.
 */
function targetPolicy(target: Target, edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology): NamedSpec {
  const rules = edges
    .filter((e) => e.to === target)
    .flatMap((e) => {
      const id = identityOf(e.from, peers);
      if (!id) return [];
      // The edge's own port (Prometheus → Redis's exporter), else the target's.
      const port = String(e.port ?? portOf(target, topology));
      const from = [{ source: { principals: [principal(id)] } }];
      if (!e.operations) return [{ from, to: [{ operation: { ports: [port] } }] }];
      const scrape = e.kind === "scrape";
      const to = e.operations.map((op) => ({
        operation: { methods: [op.method], paths: istioPaths(op), ...(scrape ? {} : { notPaths: [METRICS_PATH] }), ports: [port] },
      }));
      return [{ from, to }];
    });
  return { name: target, spec: { selector: { matchLabels: { app: target } }, action: "ALLOW", rules } };
}

/** The services' metrics path: Prometheus's only. */
export const METRICS_PATH = "/metrics";

/** allow-nothing first, then one ALLOW policy per target. */
export function authorizationPolicySpecs(edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology = SERVICES): NamedSpec[] {
  return [ALLOW_NOTHING, ...targetsOf(edges).map((t) => targetPolicy(t, edges, peers, topology))];
}
