/**
 * Istio traffic management for every service (pure):
 *
 * - DestinationRule: ISTIO_MUTUAL to the service, a connection pool (bounded
 *   connections and pending requests: excess fails fast with 503 instead of
 *   queueing; the gateway's sized for the edge's traffic, and Istio applies
 *   the same pool on the pod's inbound side) and outlier detection by tier:
 *   a leaf answering 5xx five times in a row is ejected for a while; a
 *   middle tier (it calls others) only on five failures of its own
 *   (connect failures, resets, timeouts: splitExternalLocalOriginErrors),
 *   never on the 502-504 it relays from a failing leaf — a payment outage
 *   must not eject healthy cart and gateway pods. Never more than half of
 *   the pods. payment has one subset per version, by the `version` label.
 * - VirtualService: each service's route timeout (route-numbers.ts); GETs toward a
 *   leaf are retried (they are idempotent) on connection failures, resets
 *   and 5xx, each try with its own timeout; every other route gets
 *   `retries: {attempts: 0}`, because Istio retries every request by
 *   default, POST included, and a retry above the hop nearest the leaf
 *   multiplies the attempts. payment's routes split by weight over the subsets.
 */
import { isLeaf } from "../../../services/budgets";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../../services/topology";
import type { Topology } from "../../authz/graph";
import type { MeshTimeouts, WeightedVersion } from "../route-numbers";
import { serviceHost } from "../mesh-identities";
import type { NamedSpec } from "./istio-policy-spec";

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

/** The gateway's pool: every shopper's request passes through it (and its inbound side). */
export const GATEWAY_CONNECTION_POOL = {
  tcp: { ...CONNECTION_POOL.tcp, maxConnections: 1024 },
  http: { ...CONNECTION_POOL.http, http1MaxPendingRequests: 1024 },
};

const EJECTION = { interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 };

/** A leaf's 5xx are its own: five in a row eject the pod. */
export const LEAF_OUTLIER_DETECTION = { consecutive5xxErrors: 5, ...EJECTION };

/**
 * A middle tier relays its upstreams' 502-504: only its own local-origin
 * failures count (0 turns the 5xx and gateway-error counts off).
 */
export const MIDDLE_TIER_OUTLIER_DETECTION = {
  splitExternalLocalOriginErrors: true,
  consecutiveLocalOriginFailures: 5,
  consecutive5xxErrors: 0,
  consecutiveGatewayErrors: 0,
  ...EJECTION,
};

export function destinationRuleSpec(service: ServiceName, namespace: string, topology: Topology = SERVICES): Record<string, unknown> {
  const versions = topology[service].versions;
  return {
    host: serviceHost(service, namespace),
    trafficPolicy: {
      tls: { mode: "ISTIO_MUTUAL" },
      connectionPool: service === "gateway" ? GATEWAY_CONNECTION_POOL : CONNECTION_POOL,
      outlierDetection: isLeaf(service) ? LEAF_OUTLIER_DETECTION : MIDDLE_TIER_OUTLIER_DETECTION,
    },
    ...(versions.length > 1 ? { subsets: versions.map((v) => ({ name: v, labels: { version: v } })) } : {}),
  };
}

/**
 * An external (managed) Redis, outside the mesh: registered so REGISTRY_ONLY
 * lets the sidecars forward to it; TLS from the client passes through (the
 * port's protocol TLS: routed by SNI, not inspected), or plain TCP.
 */
export function externalRedisServiceEntrySpec(r: { host: string; port: number; tls: boolean }): Record<string, unknown> {
  return {
    hosts: [r.host],
    location: "MESH_EXTERNAL",
    resolution: "DNS",
    ports: [{ number: r.port, name: r.tls ? "tls-redis" : "tcp-redis", protocol: r.tls ? "TLS" : "TCP" }],
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
 * Two routes: GET (retried toward a leaf) then everything else (never retried). `split`
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
  const own = timeouts[service];
  const timeout = duration(own.requestMs);
  return {
    hosts: [host],
    http: [
      {
        name: "get",
        match: [{ method: { exact: "GET" } }],
        route,
        timeout,
        retries: own.getRetries > 0 && own.perTryMs ? { attempts: own.getRetries, perTryTimeout: duration(own.perTryMs), retryOn: GET_RETRY_ON } : { attempts: 0 },
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
