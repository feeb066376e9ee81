/**
 * Routing numbers both meshes share, as pure functions: payment's canary split
 * and the route timeouts and GET retries derived from the services' own
 * upstream timeout. Istio and Linkerd spell them differently (see
 * istio/traffic-spec.ts and linkerd/route-spec.ts); the numbers are the same.
 */

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

/** Retries of an idempotent GET by the mesh (3 tries at most). */
export const GET_RETRY_ATTEMPTS = 2;

export interface MeshTimeouts {
  /** Whole-request timeout of every route (all tries included), ms. */
  readonly requestMs: number;
  /** Timeout of each try of a retried GET, ms. */
  readonly perTryMs: number;
  /** Retries of a GET (POST and other methods: none). */
  readonly getRetries: number;
}

/**
 * The mesh answers within 90% of the caller's own timeout (UPSTREAM_TIMEOUT_MS),
 * so the caller receives the mesh's retried answer or its 504 instead of
 * giving up first; a GET's tries share that budget evenly.
 */
export function meshTimeouts(upstreamTimeoutMs: number): MeshTimeouts {
  if (!Number.isInteger(upstreamTimeoutMs) || upstreamTimeoutMs < 100) {
    throw new Error(`upstream timeout must be an integer of at least 100 ms; got ${upstreamTimeoutMs}`);
  }
  const requestMs = Math.floor((upstreamTimeoutMs * 0.9) / 10) * 10;
  const perTryMs = Math.floor(requestMs / (GET_RETRY_ATTEMPTS + 1) / 10) * 10;
  return { requestMs, perTryMs, getRetries: GET_RETRY_ATTEMPTS };
}
