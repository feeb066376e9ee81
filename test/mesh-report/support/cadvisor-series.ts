/**
 * cAdvisor's container series as kube-prometheus-stack 88.5.3 scrapes them
 * (docs/upstream.md, "The mesh report"): literals read upstream, never the
 * report's own constants.
 * - values.yaml `kubelet.serviceMonitor.cAdvisor: true`, `honorLabels: true`;
 *   `cAdvisorRelabelings` copy `__metrics_path__` to `metrics_path`;
 *   `cAdvisorMetricRelabelings` drop neither series below;
 * - templates/prometheus/rules-1.14/k8s.rules.container_cpu_usage_seconds_total.yaml
 *   and …container_memory_working_set_bytes.yaml select
 *   `{job="kubelet", metrics_path="/metrics/cadvisor", image!=""}` and sum by
 *   namespace, pod, container (`kube-prometheus-stack-kubelet.name` is "kubelet"
 *   unless `kubelet.jobNameOverride` is set).
 */
export const CADVISOR_SERIES: Readonly<Record<string, readonly string[]>> = {
  container_cpu_usage_seconds_total: ["job", "metrics_path", "image", "namespace", "pod", "container"],
  container_memory_working_set_bytes: ["job", "metrics_path", "image", "namespace", "pod", "container"],
};
export const CADVISOR_JOB = 'job="kubelet"';
export const CADVISOR_PATH = 'metrics_path="/metrics/cadvisor"';

/**
 * The injected proxies' container names: Istio 1.30.3
 * manifests/charts/istio-control/istio-discovery/files/injection-template.yaml
 * (`- name: istio-proxy`); Linkerd edge-26.8.3 pkg/k8s/labels.go
 * (`ProxyContainerName = "linkerd-proxy"`).
 */
export const UPSTREAM_PROXY_CONTAINERS = ["istio-proxy", "linkerd-proxy"];
