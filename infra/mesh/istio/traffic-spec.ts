/**
 * Istio traffic management for every service (pure):
 *
 * - DestinationRule: ISTIO_MUTUAL to the service, a connection pool (bounded
 *   connections and pending requests: excess fails fast with 503 instead of
 *   queueing) and outlier detection (a pod answering 5xx five times in a row
 *   is ejected for a while; never more than half of the pods). payment has
 *   one subset per version, selected by the `version` label.
 * - VirtualService: a route timeout on every route; GETs are retried (they
 *   are idempotent) on connection failures, resets and 5xx, each try with its
 *   own timeout; every other method gets `retries: {attempts: 0}`, because
 *   Istio retries every request by default, POST included. payment's routes
 *   split by weight over the subsets.
 */
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../../services/topology";
import type { Topology } from "../../authz/graph";
import type { MeshTimeouts, WeightedVersion } from "../routing";
import { serviceHost } from "../peers";
import type { NamedSpec } from "./policy-spec";

/** What a retried GET is retried on. */
export const GET_RETRY_ON = "connect-failure,refused-stream,reset,5xx";

/** Istio durations are protobuf durations: seconds with a fraction, "1.8s". */
export function duration(ms: number): string {
  return `${ms / 1000}s`;
}

export const CONNECTION_POOL = {
  tcp: { maxConnections: 100, connectTimeout: "1s" },
  http: { http1MaxPendingRequests: 64, maxRequestsPerConnection: 0, maxRetries: 16, idleTimeout: "60s" },
};

export const OUTLIER_DETECTION = {
  consecutive5xxErrors: 5,
  interval: "10s",
  baseEjectionTime: "30s",
  maxEjectionPercent: 50,
};

export function destinationRuleSpec(service: ServiceName, namespace: string, topology: Topology = SERVICES): Record<string, unknown> {
  const versions = topology[service].versions;
  return {
    host: serviceHost(service, namespace),
    trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" }, connectionPool: CONNECTION_POOL, outlierDetection: OUTLIER_DETECTION },
    ...(versions.length > 1 ? { subsets: versions.map((v) => ({ name: v, labels: { version: v } })) } : {}),
  };
}

/** Redis: mutual TLS and a bounded TCP pool (one pod: nothing to eject). */
export function redisDestinationRuleSpec(redisService: string, namespace: string): Record<string, unknown> {
  return { host: serviceHost(redisService, namespace), trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" }, connectionPool: { tcp: CONNECTION_POOL.tcp } } };
}

function destinations(host: string, split: readonly WeightedVersion[] | undefined): Record<string, unknown>[] {
  if (!split) return [{ destination: { host } }];
  return split.map((s) => ({ destination: { host, subset: s.version }, weight: s.weight }));
}

/**
 * Two routes: GET (retried) then everything else (never retried). `split`
 * (payment's canary) weights the subsets on both.
 */
export function virtualServiceSpec(
  service: ServiceName,
  namespace: string,
  timeouts: MeshTimeouts,
  split?: readonly WeightedVersion[],
): Record<string, unknown> {
  const host = serviceHost(service, namespace);
  const route = destinations(host, split);
  const timeout = duration(timeouts.requestMs);
  return {
    hosts: [host],
    http: [
      {
        name: "get",
        match: [{ method: { exact: "GET" } }],
        route,
        timeout,
        retries: { attempts: timeouts.getRetries, perTryTimeout: duration(timeouts.perTryMs), retryOn: GET_RETRY_ON },
      },
      { name: "other", route, timeout, retries: { attempts: 0 } },
    ],
  };
}

/** Every service's DestinationRule and VirtualService (payment split by `canary`). */
export function trafficSpecs(
  namespace: string,
  timeouts: MeshTimeouts,
  canary: readonly WeightedVersion[],
  topology: Topology = SERVICES,
): { destinationRules: NamedSpec[]; virtualServices: NamedSpec[] } {
  return {
    destinationRules: SERVICE_NAMES.map((s) => ({ name: s, spec: destinationRuleSpec(s, namespace, topology) })),
    virtualServices: SERVICE_NAMES.map((s) => ({
      name: s,
      spec: virtualServiceSpec(s, namespace, timeouts, topology[s].versions.length > 1 ? canary : undefined),
    })),
  };
}
