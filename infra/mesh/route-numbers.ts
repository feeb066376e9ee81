/**
 * Routing numbers both meshes share, as pure functions: payment's canary split
 * and, per service, the route timeout and GET retries derived from the leaf
 * budget by services/budgets.ts (the same numbers the services' own clients
 * use). Istio and Linkerd spell them differently (see istio/traffic-spec.ts
 * and linkerd/http-route-spec.ts); the numbers are the same.
 */
import { retriesToward, timeBudgets } from "../../services/budgets";
import { SERVICE_NAMES, type ServiceName } from "../../services/topology";

export interface WeightedVersion {
  readonly version: string;
  /** Percent of requests; the split's weights sum to 100. */
  readonly weight: number;
}

/**
 * The split for a canary weight (percent to the second version): every
 * version with a non-zero weight, summing to 100. A zero share is left out
 * (Istio rejects a zero-weight destination in some versions; a route with
 * one destination needs no weight arithmetic at all).
 */
export function canarySplit(canaryWeight: number, versions: readonly [string, string] = ["v1", "v2"]): WeightedVersion[] {
  if (!Number.isInteger(canaryWeight) || canaryWeight < 0 || canaryWeight > 100) {
    throw new Error(`canary weight must be an integer between 0 and 100; got ${canaryWeight}`);
  }
  return [
    { version: versions[0], weight: 100 - canaryWeight },
    { version: versions[1], weight: canaryWeight },
  ].filter((v) => v.weight > 0);
}

/** Retries of an idempotent GET toward a leaf by the mesh (3 tries at most); none toward other services. */
export const GET_RETRY_ATTEMPTS = 2;

/** The routes toward one service. */
export interface RouteTimeouts {
  /** Whole-request timeout of its routes (all tries included), ms. */
  readonly requestMs: number;
  /** Retries of a GET (only toward a leaf; POST and other methods: none). */
  readonly getRetries: number;
  /** Timeout of each try of a retried GET, ms (only where GETs are retried). */
  readonly perTryMs?: number;
}

export type MeshTimeouts = { readonly [N in ServiceName]: RouteTimeouts };

/**
 * Per service, from the leaf budget (UPSTREAM_TIMEOUT_MS): the route answers
 * a margin after the service's own cap and a margin before its callers give
 * up (services/budgets.ts routeMs), so a caller receives the mesh's retried
 * answer or its 504 instead of giving up first; a GET's tries share that
 * budget evenly, in whole hundredths of a second.
 */
export function meshTimeouts(upstreamTimeoutMs: number): MeshTimeouts {
  const { routeMs } = timeBudgets(upstreamTimeoutMs);
  const out = {} as Record<ServiceName, RouteTimeouts>;
  for (const s of SERVICE_NAMES) {
    const requestMs = Math.floor(routeMs[s] / 10) * 10;
    const getRetries = retriesToward(s, GET_RETRY_ATTEMPTS);
    out[s] = getRetries > 0 ? { requestMs, getRetries, perTryMs: Math.floor(requestMs / (getRetries + 1) / 10) * 10 } : { requestMs, getRetries };
  }
  return out;
}
