/**
 * Alerting rules for the shop (a PrometheusRule's spec): error ratio and p99
 * latency per service, over the services' own metrics; and Redis's memory
 * before it reaches maxmemory (where, with noeviction, writes start failing).
 */
import { DEFAULT_MAXMEMORY, memoryBytes, REDIS_APP } from "../redis/redis-spec";
import { errorRatio, latencyQuantile, TRAFFIC_ONLY } from "./queries";

export interface AlertThresholds {
  /** Alert when more than this share of a service's requests fail with 5xx. */
  readonly errorRatio: number;
  /** Alert when a service's p90 latency exceeds this many seconds. */
  readonly p90Seconds: number;
  /** Redis's maxmemory in bytes: the memory alert fires at REDIS_MEMORY_ALERT_SHARE of it. */
  readonly redisMaxmemoryBytes?: number;
}

/**
 * Cause alerts per service (warnings; the SLO alerts in slo.ts page). Above
 * what the mesh stacks' demo injects on purpose, so they stay quiet under it:
 * catalog answers 5% of requests 500 (an error ratio of 10% alerts), and 5%
 * of payments hang past their caller's timeout (p99 would always be slow
 * there; p90 over 1 s alerts when far more than that is slow).
 */
export const DEFAULT_THRESHOLDS: AlertThresholds = { errorRatio: 0.1, p90Seconds: 1, redisMaxmemoryBytes: memoryBytes(DEFAULT_MAXMEMORY) };

/** Share of maxmemory at which the Redis memory alert fires: room to act before writes fail. */
export const REDIS_MEMORY_ALERT_SHARE = 0.8;

/**
 * Redis's memory, from the kubelet's cAdvisor metrics that
 * kube-prometheus-stack scrapes by default (kubelet.serviceMonitor.cAdvisor):
 * there is no Redis exporter. The container's working set includes the
 * allocator's overhead, so it reaches the share before Redis's own
 * used_memory does: the alert comes early, never late. An external Redis has
 * no container here; watch its provider's memory metric instead.
 */
export function redisMemoryRule(namespace: string, maxmemoryBytes: number): Record<string, unknown> {
  const threshold = Math.floor(maxmemoryBytes * REDIS_MEMORY_ALERT_SHARE);
  return {
    alert: "MeshmartRedisMemoryNearLimit",
    expr: `max by (pod) (container_memory_working_set_bytes{namespace="${namespace}", container="${REDIS_APP}"}) > ${threshold}`,
    for: "5m",
    labels: { severity: "warning" },
    annotations: {
      summary: `Redis uses more than ${REDIS_MEMORY_ALERT_SHARE * 100}% of its maxmemory`,
      description:
        "{{ $labels.pod }} holds {{ $value | humanize1024 }}B; at maxmemory (" +
        `${maxmemoryBytes} bytes, policy noeviction) every write fails and carts, checkouts and orders answer 503. ` +
        "Raise meshmart:redisMaxmemory (and the container limit) or find what grows.",
    },
  };
}

export function alertRules(namespace: string, t: AlertThresholds = DEFAULT_THRESHOLDS): Record<string, unknown> {
  const ns = { namespace, ...TRAFFIC_ONLY };
  return {
    groups: [
      {
        name: "meshmart.red",
        rules: [
          {
            alert: "MeshmartHighErrorRate",
            expr: `${errorRatio(ns, "service", "5m")} > ${t.errorRatio}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
              summary: "{{ $labels.service }} answers more than " + `${t.errorRatio * 100}% of requests with 5xx`,
              description: "Error ratio of {{ $labels.service }} is {{ $value | humanizePercentage }} over 5 minutes.",
            },
          },
          {
            alert: "MeshmartHighLatencyP90",
            expr: `${latencyQuantile(0.9, ns, "service", "5m")} > ${t.p90Seconds}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
              summary: `{{ $labels.service }} p90 latency above ${t.p90Seconds}s`,
              description: "p90 latency of {{ $labels.service }} is {{ $value | humanizeDuration }}.",
            },
          },
          redisMemoryRule(namespace, t.redisMaxmemoryBytes ?? memoryBytes(DEFAULT_MAXMEMORY)),
        ],
      },
    ],
  };
}
