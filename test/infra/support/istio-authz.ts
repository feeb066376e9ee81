/**
 * A small evaluator of Istio's authorization semantics over declared objects
 * (security.istio.io/v1 PeerAuthentication and AuthorizationPolicy): may this
 * request reach this workload? It follows Istio's documented order: the
 * workload's mTLS mode first (STRICT rejects plaintext), then DENY policies,
 * then ALLOW policies (none applying: allowed; some applying: one rule must
 * match). Fields it does not model make it throw, so a policy using them
 * fails the tests instead of being misjudged.
 */
import { selects } from "./netpol";

export const ROOT_NAMESPACE = "istio-system";

export interface Workload {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

export interface IstioRequest {
  /** The caller's authenticated principal; absent: plaintext (no sidecar, or no certificate). */
  readonly principal?: string;
  readonly to: Workload;
  readonly port: number;
  /** HTTP method and path; absent for raw TCP (Redis). */
  readonly http?: { readonly method: string; readonly path: string };
}

export interface IstioObject {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: any;
}

function applies(o: IstioObject, w: Workload): boolean {
  if (o.metadata.namespace !== w.namespace && o.metadata.namespace !== ROOT_NAMESPACE) return false;
  if (o.spec.targetRefs || o.spec.targetRef) throw new Error(`${o.metadata.name}: targetRef(s) not modelled`);
  return !o.spec.selector || selects({ matchLabels: o.spec.selector.matchLabels }, w.labels);
}

/** The mTLS mode a workload's port accepts (workload policy > namespace > root namespace > PERMISSIVE). */
export function mtlsMode(peerAuthentications: readonly IstioObject[], to: Workload, port: number): string {
  const rank = (o: IstioObject) => (o.spec.selector ? 0 : o.metadata.namespace === to.namespace ? 1 : 2);
  const candidates = peerAuthentications.filter((o) => applies(o, to)).sort((a, b) => rank(a) - rank(b));
  for (const o of candidates) {
    const portMode = o.spec.selector ? o.spec.portLevelMtls?.[String(port)]?.mode : undefined;
    const mode = portMode ?? o.spec.mtls?.mode;
    if (mode && mode !== "UNSET") return mode;
  }
  return "PERMISSIVE";
}

/** Istio's string matching: exact, "prefix*", "*suffix", or "*". */
export function matchString(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

const anyMatch = (patterns: string[] | undefined, value: string | undefined) =>
  patterns === undefined || (value !== undefined && patterns.some((p) => matchString(p, value)));
const noneMatch = (patterns: string[] | undefined, value: string | undefined) =>
  patterns === undefined || value === undefined || !patterns.some((p) => matchString(p, value));

const SOURCE_FIELDS = new Set(["principals", "notPrincipals", "namespaces", "notNamespaces"]);
const OPERATION_FIELDS = new Set(["methods", "notMethods", "paths", "notPaths", "ports", "notPorts"]);

function namespaceOf(principal: string | undefined): string | undefined {
  return principal?.match(/\/ns\/([^/]+)\/sa\//)?.[1];
}

function sourceMatches(source: any, req: IstioRequest): boolean {
  for (const key of Object.keys(source)) if (!SOURCE_FIELDS.has(key)) throw new Error(`source.${key} not modelled`);
  const ns = namespaceOf(req.principal);
  return (
    anyMatch(source.principals, req.principal) &&
    noneMatch(source.notPrincipals, req.principal) &&
    anyMatch(source.namespaces, ns) &&
    noneMatch(source.notNamespaces, ns)
  );
}

function operationMatches(op: any, req: IstioRequest): boolean {
  for (const key of Object.keys(op)) if (!OPERATION_FIELDS.has(key)) throw new Error(`operation.${key} not modelled`);
  const port = String(req.port);
  if (!anyMatch(op.ports, port) || !noneMatch(op.notPorts, port)) return false;
  const httpFields = ["methods", "notMethods", "paths", "notPaths"].filter((k) => k in op);
  // On a TCP connection an HTTP-only condition never matches (Istio's documented behaviour for ALLOW).
  if (!req.http) return httpFields.length === 0;
  return (
    anyMatch(op.methods, req.http.method) &&
    noneMatch(op.notMethods, req.http.method) &&
    anyMatch(op.paths, req.http.path) &&
    noneMatch(op.notPaths, req.http.path)
  );
}

function ruleMatches(rule: any, req: IstioRequest): boolean {
  if (rule.when) throw new Error("rule.when not modelled");
  const from = rule.from === undefined || rule.from.some((f: any) => sourceMatches(f.source, req));
  const to = rule.to === undefined || rule.to.some((t: any) => operationMatches(t.operation, req));
  return from && to;
}

/** Whether the request is admitted under these PeerAuthentications and AuthorizationPolicies. */
export function istioAllows(peerAuthentications: readonly IstioObject[], policies: readonly IstioObject[], req: IstioRequest): boolean {
  if (!req.principal && mtlsMode(peerAuthentications, req.to, req.port) === "STRICT") return false;
  const applicable = policies.filter((p) => applies(p, req.to));
  for (const p of applicable) {
    const action = p.spec.action ?? "ALLOW";
    if (action !== "ALLOW" && action !== "DENY") throw new Error(`action ${action} not modelled`);
  }
  const matches = (p: IstioObject) => (p.spec.rules ?? []).some((r: any) => ruleMatches(r, req));
  if (applicable.some((p) => p.spec.action === "DENY" && matches(p))) return false;
  const allows = applicable.filter((p) => (p.spec.action ?? "ALLOW") === "ALLOW");
  return allows.length === 0 || allows.some(matches);
}
