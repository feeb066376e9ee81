/**
 * Series the dashboard reads that only a cluster produces, with the labels
 * each carries, as read in the pinned upstream sources (docs/upstream.md,
 * "Dashboard metrics"). Literals from upstream, never the program's own
 * constants: a misspelt metric or label in a panel fails the test.
 */
export const CLUSTER_ONLY_SERIES: Readonly<Record<string, readonly string[]>> = {
  // kube-state-metrics v2.20.0 (kube-prometheus-stack 88.5.3 → chart kube-state-metrics 8.4.0, appVersion 2.20.0),
  // internal/store/horizontalpodautoscaler.go: descHorizontalPodAutoscalerLabelsDefaultLabels = namespace, horizontalpodautoscaler
  kube_horizontalpodautoscaler_status_current_replicas: ["namespace", "horizontalpodautoscaler"],
  kube_horizontalpodautoscaler_spec_min_replicas: ["namespace", "horizontalpodautoscaler"],
  kube_horizontalpodautoscaler_spec_max_replicas: ["namespace", "horizontalpodautoscaler"],
  // Istio 1.30.3 standard metrics: tests/integration/telemetry/api/stats_test.go buildQuery (destination_app,
  // destination_version, response_code, destination_workload_namespace…), istioctl/pkg/metrics/metrics.go
  // (reporter="destination", istio_request_duration_milliseconds_bucket with le)
  istio_requests_total: ["reporter", "response_code", "destination_app", "destination_version", "destination_workload", "destination_workload_namespace", "destination_service_name"],
  istio_request_duration_milliseconds_bucket: ["reporter", "response_code", "destination_app", "destination_version", "destination_workload", "destination_workload_namespace", "destination_service_name", "le"],
  // Linkerd edge-26.8.3's proxy (linkerd2-proxy release/v2.366.0): linkerd/http/metrics/src/requests/report.rs
  // (request_total, response_latency_ms by status_code, response_total by class), linkerd/app/core/src/metrics.rs
  // (direction="inbound"; target_addr, tls; srv_* and route_group/route_kind/route_name of the inbound route;
  // classification success/failure), plus what linkerd-viz's linkerd-proxy job adds
  // (viz/charts/linkerd-viz/templates/prometheus.yaml at edge-26.8.3): namespace, pod, deployment
  // (linkerd.io/proxy-deployment), and every pod label (app, version).
  response_total: ["direction", "target_addr", "tls", "srv_kind", "srv_name", "route_kind", "route_name", "status_code", "classification", "namespace", "pod", "deployment", "app", "version"],
  response_latency_ms_bucket: ["direction", "target_addr", "tls", "srv_kind", "srv_name", "route_kind", "route_name", "status_code", "namespace", "pod", "deployment", "app", "version", "le"],
};

/** The metric names a PromQL expression selects, and every label name it matches on or aggregates by. */
export function referencedNames(expr: string): { metrics: string[]; labels: string[] } {
  const metrics = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);
  const matchers = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!));
  const grouped = [...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(",").map((l) => l.trim()).filter(Boolean));
  return { metrics: [...new Set(metrics)], labels: [...new Set([...matchers, ...grouped])] };
}
