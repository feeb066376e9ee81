/**
 * Client-side routing for every service as Gateway API HTTPRoutes attached to
 * the service itself (parentRef kind Service, group core), which Linkerd
 * edge-26.8.3 reads together with its retry.linkerd.io/* and
 * timeout.linkerd.io/* annotations (pure).
 *
 * Annotations apply to a whole HTTPRoute, so each service gets two: `<svc>-get`
 * matches GET (more specific than a path-only match, so it wins) with the
 * service's request timeout (route-numbers.ts) and, toward a leaf only, retries on
 * 5xx, each try with its own timeout; `<svc>` matches everything else with
 * the timeout only (Linkerd never retries a route without retry annotations). payment's routes split by weight across
 * the payment-v1 and payment-v2 Services.
 */
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../../services/topology";
import type { Topology } from "../../authz/graph";
import type { MeshTimeouts, RouteTimeouts, WeightedVersion } from "../route-numbers";

export interface RouteObject {
  readonly name: string;
  readonly annotations: Record<string, string>;
  readonly spec: Record<string, unknown>;
}

/** Linkerd durations: an integer and a unit (fractions are rejected). */
export function duration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`not a whole number of milliseconds: ${ms}`);
  return `${ms}ms`;
}

export function timeoutAnnotations(t: RouteTimeouts): Record<string, string> {
  return { "timeout.linkerd.io/request": duration(t.requestMs) };
}

/** Retries on 5xx where the route retries GETs (toward a leaf); none elsewhere. */
export function retryAnnotations(t: RouteTimeouts): Record<string, string> {
  if (t.getRetries === 0 || t.perTryMs === undefined) return {};
  return {
    "retry.linkerd.io/http": "5xx",
    "retry.linkerd.io/limit": String(t.getRetries),
    "retry.linkerd.io/timeout": duration(t.perTryMs),
  };
}

/** payment's backends: one per-version Service each, with its weight. */
export interface WeightedBackend {
  readonly service: string;
  readonly weight: number;
}

export function canaryBackends(split: readonly WeightedVersion[], versionServices: Readonly<Record<string, string>>): WeightedBackend[] {
  return split.map((s) => {
    const service = versionServices[s.version];
    if (!service) throw new Error(`no Service for version ${s.version}`);
    return { service, weight: s.weight };
  });
}

/** The two routes' names and annotations for a service: `<svc>-get` (retried toward a leaf), `<svc>` (never). */
export function routeHeaders(service: ServiceName, timeouts: MeshTimeouts): { name: string; annotations: Record<string, string> }[] {
  const own = timeouts[service];
  return [
    { name: `${service}-get`, annotations: { ...timeoutAnnotations(own), ...retryAnnotations(own) } },
    { name: service, annotations: timeoutAnnotations(own) },
  ];
}

export function serviceRoutes(
  service: ServiceName,
  timeouts: MeshTimeouts,
  backends?: readonly WeightedBackend[],
  topology: Topology = SERVICES,
): RouteObject[] {
  const port = topology[service].port;
  const parentRefs = [{ group: "core", kind: "Service", name: service, port }];
  const backendRefs = (backends ?? [{ service, weight: undefined }]).map((b) => ({
    name: b.service,
    port,
    ...(b.weight === undefined ? {} : { weight: b.weight }),
  }));
  const rule = (match: Record<string, unknown>) => ({ matches: [{ path: { type: "PathPrefix", value: "/" }, ...match }], backendRefs });
  const [get, other] = routeHeaders(service, timeouts) as [RouteObject, RouteObject];
  return [
    { ...get, spec: { parentRefs, rules: [rule({ method: "GET" })] } },
    { ...other, spec: { parentRefs, rules: [rule({})] } },
  ];
}

/** Every service's two routes (a versioned service split across its version Services), in SERVICE_NAMES order. */
export function allServiceRoutes(
  timeouts: MeshTimeouts,
  versioned: readonly WeightedBackend[],
  topology: Topology = SERVICES,
): RouteObject[] {
  return SERVICE_NAMES.flatMap((s) => serviceRoutes(s, timeouts, topology[s].versions.length > 1 ? versioned : undefined, topology));
}
