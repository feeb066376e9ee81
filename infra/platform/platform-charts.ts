/**
 * Every Helm chart the program installs, pinned. Bump a version here and
 * nowhere else; docs/cluster.md lists them too.
 */
export interface ChartRef {
  readonly chart: string;
  readonly version: string;
  readonly repo: string;
}

export const CHARTS = {
  /** Controller v1.15.1 (the project's last line; it was retired upstream in 2026). */
  ingressNginx: { chart: "ingress-nginx", version: "4.15.1", repo: "https://kubernetes.github.io/ingress-nginx" },
  /** Prometheus Operator v0.93.1, Grafana chart 12.x. */
  kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repo: "https://prometheus-community.github.io/helm-charts" },
  /** metrics-server v0.8.1. */
  metricsServer: { chart: "metrics-server", version: "3.13.1", repo: "https://kubernetes-sigs.github.io/metrics-server/" },
  /** Jaeger v2.19.0 (one all-in-one Deployment built on the OpenTelemetry Collector), the tracing backend. */
  jaeger: { chart: "jaeger", version: "4.11.1", repo: "https://jaegertracing.github.io/helm-charts" },
  /** cert-manager v1.21.1 with its CRDs (meshmart:edgeTls cert-manager). */
  certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
  /** Envoy Gateway v1.9.0, the Gateway API edge of dev and linkerd (meshmart:edge gateway-api), without any CRDs (docs/edge.md). */
  envoyGateway: { chart: "gateway-helm", version: "v1.9.0", repo: "oci://docker.io/envoyproxy" },
  /** Envoy Gateway v1.9.0's own CRDs (gateway.envoyproxy.io) alone: the Gateway API CRDs have one owner, the program's pinned manifest. */
  envoyGatewayCrds: { chart: "gateway-crds-helm", version: "v1.9.0", repo: "oci://docker.io/envoyproxy" },
  /** MetalLB v0.16.1 with its CRDs, L2 mode (meshmart:loadBalancer metallb). */
  metallb: { chart: "metallb", version: "0.16.1", repo: "https://metallb.github.io/metallb" },
} as const satisfies Record<string, ChartRef>;

/**
 * The helm.v3.Release arguments that fetch a pinned chart. An OCI registry
 * (`oci://…`) is no chart repository: Helm takes the chart's full reference.
 */
export function chartSource(ref: ChartRef): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  if (ref.repo.startsWith("oci://")) return { chart: `${ref.repo}/${ref.chart}`, version: ref.version };
  return { chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo } };
}
