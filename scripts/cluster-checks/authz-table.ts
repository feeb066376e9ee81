/**
 * The in-cluster authz probe's table, from the program's own graph
 * (infra/authz/graph.ts): every (caller, target) pair of services, allowed
 * when authzEdges has the call edge, forbidden otherwise. Each target is
 * probed with one request its allowed callers make (the method and path the
 * mesh policies permit), so a refusal of a forbidden pair is the identity
 * being refused, not the path.
 */
import { authzEdges, type AuthzEdge } from "../../infra/authz/graph";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../services/topology";

export interface ProbeRequest {
  readonly method: "GET" | "POST";
  readonly path: string;
  /** JSON body; deliberately invalid where a valid one would change state (a 400 still proves the call got through). */
  readonly body?: unknown;
}

/**
 * The request each target is probed with, derived from the graph: a GET its
 * callers are granted (below a prefix: `<prefix>/1`, which reads and changes
 * nothing), else a POST they are granted with an empty body, which the
 * service rejects with a 400 before changing anything; `GET /` for a target
 * nobody in the graph is granted anything on.
 */
export function probeRequest(target: ServiceName, edges: readonly AuthzEdge[] = authzEdges()): ProbeRequest {
  const granted = edges.filter((e) => e.to === target && (e.kind === "call" || e.kind === "ingress")).flatMap((e) => e.operations ?? []);
  const get = granted.find((op) => op.method === "GET");
  if (get) return { method: "GET", path: get.match === "prefix" && get.path !== "/" ? `${get.path}/1` : get.path };
  const post = granted.find((op) => op.method === "POST");
  if (post) return { method: "POST", path: post.path, body: {} };
  return { method: "GET", path: "/" };
}

/** A request each target's allowed callers make; none of them changes anything. */
export const PROBE_REQUESTS: { readonly [N in ServiceName]: ProbeRequest } = Object.fromEntries(
  SERVICE_NAMES.map((name) => [name, probeRequest(name)]),
) as { readonly [N in ServiceName]: ProbeRequest };

export interface ProbeCase {
  readonly caller: ServiceName;
  readonly target: ServiceName;
  readonly allowed: boolean;
  readonly url: string;
  readonly request: ProbeRequest;
}

export function probeTable(namespace: string, edges: readonly AuthzEdge[] = authzEdges()): ProbeCase[] {
  const allowed = new Set(edges.filter((e) => e.kind === "call").map((e) => `${e.from}>${e.to}`));
  return SERVICE_NAMES.flatMap((caller) =>
    SERVICE_NAMES.map((target) => ({
      caller,
      target,
      allowed: allowed.has(`${caller}>${target}`),
      url: `http://${target}.${namespace}.svc.cluster.local:${SERVICES[target].port}${PROBE_REQUESTS[target].path}`,
      request: PROBE_REQUESTS[target],
    })),
  );
}

/**
 * What an answer means. Refused: no connection at all (curl's 000: a
 * NetworkPolicy drops it) or 403 (Istio's and Linkerd's authorization
 * denial). Answered: any other HTTP status below 500 (the service itself
 * spoke, even if only to reject a probe body). 5xx and anything else prove
 * neither, and fail both ways.
 */
export function verdict(status: string): "refused" | "answered" | "unclear" {
  if (status === "000" || status === "403") return "refused";
  return /^[1-4]\d\d$/.test(status) ? "answered" : "unclear";
}
