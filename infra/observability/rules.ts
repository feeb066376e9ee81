/**
 * Alerting rules for the shop (a PrometheusRule's spec): error ratio and p99
 * latency per service, over the services' own metrics.
 */
import { errorRatio, latencyQuantile } from "./queries";

export interface AlertThresholds {
  /** Alert when more than this share of a service's requests fail with 5xx. */
  readonly errorRatio: number;
  /** Alert when a service's p99 latency exceeds this many seconds. */
  readonly p99Seconds: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = { errorRatio: 0.05, p99Seconds: 1 };

export function alertRules(namespace: string, t: AlertThresholds = DEFAULT_THRESHOLDS): Record<string, unknown> {
  const ns = { namespace };
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
            alert: "MeshmartHighLatencyP99",
            expr: `${latencyQuantile(0.99, ns, "service", "5m")} > ${t.p99Seconds}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
              summary: `{{ $labels.service }} p99 latency above ${t.p99Seconds}s`,
              description: "p99 latency of {{ $labels.service }} is {{ $value | humanizeDuration }}.",
            },
          },
        ],
      },
    ],
  };
}
