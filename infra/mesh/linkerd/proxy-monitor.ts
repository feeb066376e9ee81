/**
 * The platform's Prometheus scrapes the Linkerd proxies of the shop's pods
 * (pure spec of a PodMonitor): their `linkerd-admin` port, with the
 * relabeling of linkerd-viz's own `linkerd-proxy` job (linkerd2 edge-26.8.3,
 * viz/charts/linkerd-viz/templates/prometheus.yaml), so the series carry the
 * same labels `linkerd viz` reads: `deployment` from the injector's
 * `linkerd.io/proxy-deployment` pod label, the pod's own labels (`app`,
 * `version`), `namespace` and `pod`. Only the request metrics the
 * dashboard's Linkerd canary row reads are kept; linkerd-viz's Prometheus
 * still keeps everything for `linkerd viz`. The proxies' admin port admits
 * this Prometheus's identity on GET /metrics (linkerd-policy-spec.ts,
 * proxyAdminPolicies).
 */

/** The proxy container's admin port name (what the viz job keeps). */
export const PROXY_ADMIN_PORT_NAME = "linkerd-admin";
/** The pod label the proxy injector puts on every meshed pod: its control plane's namespace. */
export const CONTROL_PLANE_NS_LABEL = "linkerd.io/control-plane-ns";

/** linkerd-viz's `linkerd-proxy` relabel_configs after its keep rule (which the selector and port do here). */
export const VIZ_PROXY_RELABELINGS: readonly Record<string, unknown>[] = [
  { sourceLabels: ["__meta_kubernetes_namespace"], action: "replace", targetLabel: "namespace" },
  { sourceLabels: ["__meta_kubernetes_pod_name"], action: "replace", targetLabel: "pod" },
  // Kubernetes' "job" label would clash with Prometheus's own: viz calls it k8s_job.
  { sourceLabels: ["__meta_kubernetes_pod_label_linkerd_io_proxy_job"], action: "replace", targetLabel: "k8s_job" },
  { action: "labeldrop", regex: "__meta_kubernetes_pod_label_linkerd_io_proxy_job" },
  // linkerd.io/proxy-deployment=payment-v1 → deployment="payment-v1"
  { action: "labelmap", regex: "__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)" },
  { action: "labeldrop", regex: "__meta_kubernetes_pod_label_linkerd_io_proxy_(.+)" },
  { action: "labelmap", regex: "__meta_kubernetes_pod_label_linkerd_io_(.+)" },
  { action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)", replacement: "__tmp_pod_label_$1" },
  { action: "labelmap", regex: "__tmp_pod_label_linkerd_io_(.+)", replacement: "__tmp_pod_label_$1" },
  { action: "labeldrop", regex: "__tmp_pod_label_linkerd_io_(.+)" },
  { action: "labelmap", regex: "__tmp_pod_label_(.+)" },
];

/** The proxies' HTTP request metrics (linkerd2-proxy's response_total, response_latency_ms, request_total): what the dashboard reads. */
export const KEPT_PROXY_METRICS = "request_total|response_total|response_latency_ms_(bucket|count|sum)";

export function proxyPodMonitorSpec(namespace: string, controlPlaneNamespace: string): Record<string, unknown> {
  return {
    selector: { matchExpressions: [{ key: CONTROL_PLANE_NS_LABEL, operator: "In", values: [controlPlaneNamespace] }] },
    namespaceSelector: { matchNames: [namespace] },
    podMetricsEndpoints: [
      {
        port: PROXY_ADMIN_PORT_NAME,
        path: "/metrics",
        interval: "15s",
        relabelings: VIZ_PROXY_RELABELINGS,
        metricRelabelings: [{ sourceLabels: ["__name__"], action: "keep", regex: KEPT_PROXY_METRICS }],
      },
    ],
  };
}
