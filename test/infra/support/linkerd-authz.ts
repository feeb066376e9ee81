/**
 * A small evaluator of Linkerd's inbound authorization over declared objects
 * (policy.linkerd.io Server, AuthorizationPolicy, MeshTLSAuthentication,
 * NetworkAuthentication, and Gateway API HTTPRoutes attached to a Server), as
 * the edge-26.8.3 policy controller builds it:
 *
 * - the Server selecting the pod and port decides; none: the namespace's
 *   default inbound policy (only `deny` and `all-unauthenticated` modelled);
 * - a Server without routes authorizes its AuthorizationPolicies' clients on
 *   every request, plus GETs on the pod's probe paths from the probe networks;
 * - a Server with routes: the request must match a route, and the most
 *   specific matching route's AuthorizationPolicies decide (probe defaults
 *   no longer apply: inbound/index.rs adds them only to a Server without
 *   routes);
 * - an AuthorizationPolicy admits a client satisfying all its required
 *   authentications.
 *
 * What it does not model makes it throw.
 */
import { selects } from "./netpol";

export interface LinkerdObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: any;
}

export interface Pod {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Container port names → numbers (a Server may name its port). */
  readonly ports: Record<string, number>;
  /** Paths of the pod's HTTP probes, by port number. */
  readonly probes: Readonly<Record<number, readonly string[]>>;
}

export interface LinkerdRequest {
  /** The client's mesh identity (its proxy's mTLS certificate); absent: not meshed. */
  readonly identity?: { readonly namespace: string; readonly serviceAccount: string };
  /** The client's address (for NetworkAuthentications). */
  readonly ip: string;
  readonly to: Pod;
  readonly port: number;
  readonly http?: { readonly method: string; readonly path: string };
}

export interface Objects {
  readonly objects: readonly LinkerdObject[];
  /** config.linkerd.io/default-inbound-policy of each namespace (absent: the cluster default). */
  readonly defaultPolicy: (namespace: string) => string;
}

const POLICY = "policy.linkerd.io";
const of = (o: Objects, kind: string, ns: string) => o.objects.filter((x) => x.kind === kind && x.metadata.namespace === ns);

function serverFor(o: Objects, req: LinkerdRequest): LinkerdObject | undefined {
  const servers = of(o, "Server", req.to.namespace).filter((s) => {
    if (s.spec.externalWorkloadSelector) return false;
    const port = typeof s.spec.port === "number" ? s.spec.port : req.to.ports[s.spec.port];
    return port === req.port && selects(s.spec.podSelector, req.to.labels);
  });
  if (servers.length > 1) throw new Error(`several Servers select ${JSON.stringify(req.to.labels)}:${req.port}`);
  return servers[0];
}

/** IPv4 CIDR membership (enough for probe and pod networks here; ::/0 matches IPv6 only). */
export function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const bits = Number(bitsText);
  if (net!.includes(":") || ip.includes(":")) return net!.includes(":") === ip.includes(":") && bits === 0;
  const toInt = (a: string) => a.split(".").reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((toInt(ip) & mask) >>> 0) === ((toInt(net!) & mask) >>> 0);
}

function authenticated(o: Objects, policyNs: string, ref: any, req: LinkerdRequest): boolean {
  const ns = ref.namespace ?? policyNs;
  const group = ref.group ?? "";
  if (ref.kind === "ServiceAccount" && group === "") {
    return req.identity !== undefined && req.identity.namespace === ns && req.identity.serviceAccount === ref.name;
  }
  if (group !== POLICY) throw new Error(`authentication ${group}/${ref.kind} not modelled`);
  const target = of(o, ref.kind, ns).find((x) => x.metadata.name === ref.name);
  if (!target) return false; // a dangling reference authorizes nobody
  if (ref.kind === "MeshTLSAuthentication") {
    if (!req.identity) return false;
    if (target.spec.identities) throw new Error("MeshTLSAuthentication.identities not modelled");
    return target.spec.identityRefs.some(
      (r: any) => r.kind === "ServiceAccount" && r.name === req.identity!.serviceAccount && (r.namespace ?? ns) === req.identity!.namespace,
    );
  }
  if (ref.kind === "NetworkAuthentication") {
    return target.spec.networks.some((n: any) => inCidr(req.ip, n.cidr) && !(n.except ?? []).some((e: string) => inCidr(req.ip, e)));
  }
  throw new Error(`authentication kind ${ref.kind} not modelled`);
}

function admittedBy(o: Objects, policies: readonly LinkerdObject[], req: LinkerdRequest): boolean {
  return policies.some((p) => p.spec.requiredAuthenticationRefs.every((ref: any) => authenticated(o, p.metadata.namespace, ref, req)));
}

/**
 * How specifically a route's best match fits the request (undefined: no
 * match), by Gateway API precedence: an Exact path over a prefix, a longer
 * prefix over a shorter one, then a method match over none.
 */
function routeSpecificity(route: LinkerdObject, http: { method: string; path: string }): number | undefined {
  let best: number | undefined;
  for (const rule of route.spec.rules) {
    for (const m of rule.matches ?? [{ path: { type: "PathPrefix", value: "/" } }]) {
      if (m.headers || m.queryParams) throw new Error("header/query matches not modelled");
      const path = m.path ?? { type: "PathPrefix", value: "/" };
      const pathOk =
        path.type === "Exact" ? http.path === path.value :
        path.type === "PathPrefix" ? http.path === path.value || http.path.startsWith(path.value.endsWith("/") ? path.value : `${path.value}/`) :
        (() => { throw new Error(`path match ${path.type} not modelled`); })();
      if (!pathOk || (m.method !== undefined && m.method !== http.method)) continue;
      const score = (path.type === "Exact" ? 1_000_000 : 0) + path.value.length * 10 + (m.method === undefined ? 0 : 1);
      best = Math.max(best ?? score, score);
    }
  }
  return best;
}

const targets = (p: LinkerdObject, kind: string, name: string) => p.spec.targetRef.kind === kind && p.spec.targetRef.name === name;

/** Whether Linkerd's inbound proxy on `req.to` admits the request. */
export function linkerdAllows(o: Objects, req: LinkerdRequest): boolean {
  const ns = req.to.namespace;
  const server = serverFor(o, req);
  if (!server) {
    const policy = o.defaultPolicy(ns);
    if (policy === "deny") return isProbe(req);
    if (policy === "all-unauthenticated") return true;
    throw new Error(`default policy ${policy} not modelled`);
  }
  if (server.spec.accessPolicy && server.spec.accessPolicy !== "deny") throw new Error(`accessPolicy ${server.spec.accessPolicy} not modelled`);
  const policies = of(o, "AuthorizationPolicy", ns);
  for (const p of policies) {
    if (!["Server", "HTTPRoute"].includes(p.spec.targetRef.kind)) throw new Error(`AuthorizationPolicy target ${p.spec.targetRef.kind} not modelled`);
  }
  const serverPolicies = policies.filter((p) => targets(p, "Server", server.metadata.name));
  const routes = of(o, "HTTPRoute", ns).filter((r) => r.spec.parentRefs.some((ref: any) => ref.kind === "Server" && ref.name === server.metadata.name));
  if (routes.length === 0) return admittedBy(o, serverPolicies, req) || isProbe(req);
  if (serverPolicies.length > 0) throw new Error("Server-level policies on a Server with routes not modelled");
  if (!req.http) return false;
  // The one most specific matching route decides (ties are not modelled).
  const scored = routes.map((r) => ({ r, score: routeSpecificity(r, req.http!) })).filter((x) => x.score !== undefined);
  if (scored.length === 0) return false;
  const top = Math.max(...scored.map((x) => x.score!));
  const best = scored.filter((x) => x.score === top);
  if (best.length > 1) throw new Error(`routes ${best.map((x) => x.r.metadata.name).join(", ")} tie for ${req.http.method} ${req.http.path}`);
  return admittedBy(o, policies.filter((p) => targets(p, "HTTPRoute", best[0]!.r.metadata.name)), req);
}

/** The policy controller's default probe route: GET on the port's probe paths, from the probe networks (0.0.0.0/0: anyone). */
function isProbe(req: LinkerdRequest): boolean {
  return req.http?.method === "GET" && (req.to.probes[req.port] ?? []).includes(req.http.path);
}
