/**
 * A small evaluator of what a stack declares about retries and timeouts,
 * read from its rendered objects: the Ingress's annotations (the edge),
 * each service's Deployment environment (its own client), and the mesh's
 * routes (Istio VirtualServices, Linkerd HTTPRoutes). Pure: it judges the
 * configuration, the way the pieces would act on it.
 *
 *   attempts(hop)        = edge: 1, or ingress-nginx's 3 tries unless proxy-next-upstream is "off";
 *                          a service: 1 + its retries toward a leaf (the kit's rule);
 *                          times 1 + the mesh route's retries on 5xx
 *   attempts(path, leaf) = the product over the path's hops
 *   timeout(hop)         = the smallest of the caller's own timeout and the mesh route's
 *   total(service)       = its steps (services/budgets.ts WAITS) one after another, each as long as its slowest hop
 */
import { isLeaf, WAITS } from "../../../services/budgets";
import { ENV, SERVICES, upstreamTimeoutEnv, type ServiceName } from "../../../services/topology";
import { objects, type StackRun } from "./stacks";

export type Caller = ServiceName | "edge";

/** ingress-nginx v1.15.1 defaults: proxy-next-upstream "error timeout", 3 tries, proxy-read-timeout 60 s. */
const NGINX_TRIES = 3;
const NGINX_READ_TIMEOUT_S = 60;

export interface Hop {
  readonly attempts: number;
  readonly timeoutMs: number;
  /** The mesh route's per-try timeout and attempts, if it retries. */
  readonly perTry?: { readonly ms: number; readonly attempts: number };
}

export interface Declared {
  hop(from: Caller, to: ServiceName): Hop;
}

const envOf = (d: any): Record<string, string> =>
  Object.fromEntries((d.spec.template.spec.containers[0].env as any[]).filter((e) => typeof e.value === "string").map((e) => [e.name, e.value]));

/** "1.8s" (Istio) or "1800ms" (Linkerd) in ms. */
function ms(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration}`);
  return Math.round(Number(m[1]) * (m[2] === "s" ? 1000 : 1));
}

/** The mesh's GET route toward a service: its retries on 5xx, per-try and whole timeouts. */
interface MeshRoute {
  readonly retries: number;
  readonly timeoutMs: number;
  readonly perTryMs?: number;
}

function istioRoutes(r: StackRun): Map<string, MeshRoute> {
  const out = new Map<string, MeshRoute>();
  for (const vs of objects(r, "VirtualService")) {
    const get = (vs.spec.http as any[]).find((h) => h.match?.some((m: any) => m.method?.exact === "GET")) ?? vs.spec.http[0];
    const retries = get.retries?.attempts ?? 2; // Istio's default: 2 retries
    const on5xx = (get.retries?.retryOn ?? "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes").split(",").some((c: string) => c === "5xx" || c === "gateway-error");
    out.set(vs.metadata.name, {
      retries: on5xx ? retries : 0,
      timeoutMs: get.timeout ? ms(get.timeout) : Number.POSITIVE_INFINITY,
      ...(get.retries?.perTryTimeout ? { perTryMs: ms(get.retries.perTryTimeout) } : {}),
    });
  }
  return out;
}

function linkerdRoutes(r: StackRun): Map<string, MeshRoute> {
  const out = new Map<string, MeshRoute>();
  const routes = objects(r, "HTTPRoute").filter((h) => h.spec.parentRefs[0].kind === "Service");
  for (const service of Object.keys(SERVICES)) {
    const get = routes.find((h) => h.metadata.name === `${service}-get`) ?? routes.find((h) => h.metadata.name === service);
    if (!get) continue;
    const a = (get.metadata.annotations ?? {}) as Record<string, string>;
    const on5xx = (a["retry.linkerd.io/http"] ?? "").split(",").some((c) => c.trim() === "5xx");
    out.set(service, {
      retries: on5xx ? Number(a["retry.linkerd.io/limit"] ?? 1) : 0,
      timeoutMs: a["timeout.linkerd.io/request"] ? ms(a["timeout.linkerd.io/request"]) : Number.POSITIVE_INFINITY,
      ...(a["retry.linkerd.io/timeout"] ? { perTryMs: ms(a["retry.linkerd.io/timeout"]) } : {}),
    });
  }
  return out;
}

export function declared(r: StackRun): Declared {
  const mesh = objects(r, "VirtualService").length ? istioRoutes(r) : objects(r, "HTTPRoute").length ? linkerdRoutes(r) : new Map<string, MeshRoute>();
  const ingress = objects(r, "Ingress")[0];
  const annotations = (ingress.metadata.annotations ?? {}) as Record<string, string>;
  const deployments = objects(r, "Deployment");
  const envFor = (service: ServiceName) => envOf(deployments.find((d) => d.metadata.labels?.app === service));
  return {
    hop(from, to) {
      const route = mesh.get(to);
      const meshAttempts = 1 + (route?.retries ?? 0);
      const meshTimeout = route?.timeoutMs ?? Number.POSITIVE_INFINITY;
      const perTry = route && route.retries > 0 && route.perTryMs !== undefined ? { perTry: { ms: route.perTryMs, attempts: meshAttempts } } : {};
      if (from === "edge") {
        const next = annotations["nginx.ingress.kubernetes.io/proxy-next-upstream"];
        const tries = next === "off" ? 1 : Number(annotations["nginx.ingress.kubernetes.io/proxy-next-upstream-tries"] ?? NGINX_TRIES);
        const readS = Number(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] ?? NGINX_READ_TIMEOUT_S);
        return { attempts: tries * meshAttempts, timeoutMs: Math.min(readS * 1000, meshTimeout), ...perTry };
      }
      const env = envFor(from);
      const own = Number(env[upstreamTimeoutEnv(to)] ?? env[ENV.upstreamTimeoutMs]);
      const retries = isLeaf(to) ? Number(env[ENV.upstreamRetries] ?? 0) : 0;
      return { attempts: (1 + retries) * meshAttempts, timeoutMs: Math.min(own, meshTimeout), ...perTry };
    },
  };
}

/** Every path from the edge through the gateway to a leaf, with the attempts it makes on the leaf. */
export function leafPaths(d: Declared): { path: Caller[]; attempts: number }[] {
  const out: { path: Caller[]; attempts: number }[] = [];
  const walk = (path: Caller[], at: ServiceName, attempts: number) => {
    if (isLeaf(at)) out.push({ path, attempts });
    for (const next of SERVICES[at].calls) walk([...path, next], next, attempts * d.hop(at, next).attempts);
  };
  walk(["edge", "gateway"], "gateway", d.hop("edge", "gateway").attempts);
  return out;
}

/** The longest `service` may take, from its callers' view: its steps in a row, each its slowest hop. */
export function totalMs(d: Declared, service: ServiceName): number {
  return WAITS[service].reduce((sum, step) => sum + Math.max(...step.map((u) => d.hop(service, u).timeoutMs)), 0);
}
