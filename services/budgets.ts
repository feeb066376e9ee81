/**
 * Where the shop retries and how long each hop waits, derived from the
 * topology so the services, the local launcher and every stack's routes
 * agree (pure; infra may import it, it imports only topology.ts).
 *
 * Retries: only the hop nearest a failing leaf (a service that calls nobody)
 * retries, so one request makes at most (1 + retries) attempts on a leaf
 * instead of a product over every hop.
 *
 * Timeouts, nested by deadline from the leaf budget T (UPSTREAM_TIMEOUT_MS)
 * and a per-hop margin m:
 *
 *   callMs(U)    = T for a service that waits on nobody, else requestMs(U) + 2m
 *   requestMs(U) = the sum of U's steps (each as slow as its slowest call) + m
 *   routeMs(U)   = requestMs(U) + m   (the mesh's route timeout toward U)
 *   edgeMs       = callMs(gateway), rounded up to whole seconds (the ingress)
 *
 * so every caller waits longer than its upstream may take, and the innermost
 * timeout fires first: its JSON error travels out unchanged.
 */
import { SERVICE_NAMES, SERVICES, type ServiceName } from "./topology";

type PerService<T> = { readonly [N in ServiceName]: T };
/** What one request to a service waits for, step by step (see WAITS). */
export type Waits = PerService<readonly (readonly ServiceName[])[]>;

/** What one request to each service waits for, step by step: the topology's `waits`. */
export const WAITS: Waits = Object.fromEntries(SERVICE_NAMES.map((name) => [name, SERVICES[name].waits])) as Waits;

/** A leaf calls nobody: the only kind of service a GET is retried toward. */
export function isLeaf(service: ServiceName): boolean {
  return SERVICES[service].calls.length === 0;
}

/** Retries of a GET toward `upstream`: the configured count toward a leaf, none elsewhere. */
export function retriesToward<R extends number>(upstream: ServiceName, configured: R): R | 0 {
  return isLeaf(upstream) ? configured : 0;
}

/** The margin each hop keeps for itself (network, a proxy, its own work): T/10, between 10 and 200 ms. */
export function hopMarginMs(leafMs: number): number {
  return Math.min(200, Math.max(10, Math.floor(leafMs / 10)));
}

export interface TimeBudgets {
  /** How long a caller waits for each service: the whole call, retries included (ms). */
  readonly callMs: PerService<number>;
  /** The longest a request to each service may take: its cap on a propagated budget (ms). */
  readonly requestMs: PerService<number>;
  /** The mesh's route timeout toward each service, all tries included (ms). */
  readonly routeMs: PerService<number>;
  /** How long the edge waits for the gateway, in whole seconds (as ms). */
  readonly edgeMs: number;
}

export function timeBudgets(leafMs: number, waits: Waits = WAITS): TimeBudgets {
  if (!Number.isInteger(leafMs) || leafMs < 100) throw new Error(`the leaf timeout must be a whole number of at least 100 ms; got ${leafMs}`);
  const m = hopMarginMs(leafMs);
  const callMs = {} as Record<ServiceName, number>;
  const call = (service: ServiceName): number => {
    if (callMs[service] === undefined) {
      const steps = waits[service];
      callMs[service] = steps.length === 0 ? leafMs : steps.reduce((sum, step) => sum + Math.max(...step.map(call)), 0) + 3 * m;
    }
    return callMs[service];
  };
  for (const s of SERVICE_NAMES) call(s);
  const requestMs = {} as Record<ServiceName, number>;
  const routeMs = {} as Record<ServiceName, number>;
  for (const s of SERVICE_NAMES) {
    requestMs[s] = callMs[s] - 2 * m;
    routeMs[s] = callMs[s] - m;
  }
  return { callMs, requestMs, routeMs, edgeMs: Math.ceil(callMs.gateway / 1000) * 1000 };
}
