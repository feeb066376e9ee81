/**
 * The bucket boundaries (seconds) of every duration histogram the services
 * export: requests served (metrics.ts) and calls made (http-client.ts). The
 * SLO rules' latency thresholds must be among them (infra/observability/slo.ts),
 * so a threshold is a bucket, never an interpolation. Pure data.
 */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
