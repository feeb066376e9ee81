/**
 * PromQL of the dashboard's panels beyond RED (queries.ts): the Node runtime
 * (prom-client's default metrics), Redis (redis_exporter), notifications'
 * consumer lag, HPAs (kube-state-metrics) and Istio's and Linkerd's views
 * of the payment canary. Every metric and label name here was read in the pinned upstream
 * source (docs/upstream.md, "Dashboard metrics"). Each query filters by the
 * dashboard's template variables `$namespace` and `$service` (the
 * `selector` values carry them), so a panel shows what the variables choose.
 */
import { EVENTS_LAG_METRIC } from "../../services/notifications/lag";
import { selector } from "./queries";

/** The template variables' matchers, as queries.ts `selector` values. */
export const BY_NAMESPACE = { namespace: "~$namespace" } as const;
export const BY_SERVICE = { ...BY_NAMESPACE, service: "~$service" } as const;

/** prom-client 15.1.3 collectDefaultMetrics (lib/metrics/*.js), per service. */
export const runtime = {
  eventLoopP99: () => `max by (service) (nodejs_eventloop_lag_p99_seconds{${selector(BY_SERVICE)}})`,
  heapUsed: () => `sum by (service) (nodejs_heap_size_used_bytes{${selector(BY_SERVICE)}})`,
  heapTotal: () => `sum by (service) (nodejs_heap_size_total_bytes{${selector(BY_SERVICE)}})`,
  /** Share of wall time spent in GC, by kind (major, minor, incremental, weakcb). */
  gcTime: () => `sum by (service, kind) (rate(nodejs_gc_duration_seconds_sum{${selector(BY_SERVICE)}}[1m]))`,
  rss: () => `sum by (service) (process_resident_memory_bytes{${selector(BY_SERVICE)}})`,
  cpu: () => `sum by (service) (rate(process_cpu_seconds_total{${selector(BY_SERVICE)}}[1m]))`,
};

/**
 * redis_exporter v1.88.0 (exporter/exporter.go metricMapGauges/Counters,
 * namespace "redis"): INFO's used_memory, maxmemory, connected_clients,
 * total_commands_processed. Redis is shared by the services, so these filter
 * by namespace only.
 */
export const redis = {
  memoryUsed: () => `max by (namespace) (redis_memory_used_bytes{${selector(BY_NAMESPACE)}})`,
  memoryMax: () => `max by (namespace) (redis_memory_max_bytes{${selector(BY_NAMESPACE)}})`,
  opsPerSecond: () => `sum by (namespace) (rate(redis_commands_processed_total{${selector(BY_NAMESPACE)}}[1m]))`,
  clients: () => `sum by (namespace) (redis_connected_clients{${selector(BY_NAMESPACE)}})`,
};

/** notifications' consumer group lag on the events stream (services/notifications/lag.ts). */
export const eventsLag = () => `max by (service, stream, group) (${EVENTS_LAG_METRIC}{${selector(BY_SERVICE)}})`;

/**
 * kube-state-metrics v2.20.0 (internal/store/horizontalpodautoscaler.go;
 * labels namespace, horizontalpodautoscaler). An HPA is named after its
 * Deployment: the service, or the service and its version (payment-v2).
 */
const hpaMatch = `${selector(BY_NAMESPACE)},horizontalpodautoscaler=~"$service(-v[0-9]+)?"`;
export const hpa = {
  current: () => `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{${hpaMatch}})`,
  min: () => `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_min_replicas{${hpaMatch}})`,
  max: () => `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${hpaMatch}})`,
};

/**
 * Istio 1.30.3's standard metrics, as the receiving sidecar reports them
 * (reporter="destination"; labels destination_workload_namespace,
 * destination_app, destination_version, response_code; the duration in
 * milliseconds): the canary as the mesh sees it.
 */
const istioPayment = `reporter="destination",destination_workload_namespace=~"$namespace",destination_app="payment",destination_app=~"$service"`;
export const istio = {
  rate: () => `sum by (destination_version) (rate(istio_requests_total{${istioPayment}}[1m]))`,
  errorRatio: () => {
    const all = `sum by (destination_version) (rate(istio_requests_total{${istioPayment}}[1m]))`;
    return `(sum by (destination_version) (rate(istio_requests_total{${istioPayment},response_code=~"5.."}[1m])) or ${all} * 0) / ${all}`;
  },
  p99Seconds: () =>
    `histogram_quantile(0.99, sum by (destination_version, le) (rate(istio_request_duration_milliseconds_bucket{${istioPayment}}[5m]))) / 1000`,
};

/**
 * Linkerd edge-26.8.3's proxies, as the receiving (inbound) proxy of each
 * payment pod reports them (linkerd2-proxy v2.366.0: response_total with
 * `classification` success/failure, response_latency_ms_bucket; labels
 * `direction`, `route_name` — the inbound route that authorized the
 * request), with `deployment`, `app` and `namespace` from the PodMonitor's
 * relabeling (linkerd-viz's, infra/mesh/linkerd/proxy-monitor.ts). payment's
 * probe and scrape routes (payment-probes, payment-metrics) are not traffic.
 */
const linkerdPayment = `direction="inbound",namespace=~"$namespace",app="payment",app=~"$service",route_name!~"payment-(metrics|probes)"`;
export const linkerd = {
  rate: () => `sum by (deployment) (rate(response_total{${linkerdPayment}}[1m]))`,
  errorRatio: () => {
    const all = `sum by (deployment) (rate(response_total{${linkerdPayment}}[1m]))`;
    return `(sum by (deployment) (rate(response_total{${linkerdPayment},classification="failure"}[1m])) or ${all} * 0) / ${all}`;
  },
  p99Seconds: () => `histogram_quantile(0.99, sum by (deployment, le) (rate(response_latency_ms_bucket{${linkerdPayment}}[5m]))) / 1000`,
};
