/**
 * The tracing backend's settings (pure): Jaeger v2 from the `jaeger` chart
 * (infra/platform/platform-charts.ts), one all-in-one pod in the namespace `tracing`
 * that receives OTLP and serves the Jaeger UI and query API. Decisions:
 *
 * - Storage in memory, bounded (MAX_TRACES, oldest dropped first): a demo's
 *   traces, lost on a restart. The chart's own default is the image's
 *   built-in configuration (100,000 traces: more than the memory limit holds),
 *   so the program gives Jaeger a configuration of its own (`userconfig`)
 *   with only what it uses: the OTLP receivers (gRPC for the meshes'
 *   proxies, HTTP for the services), memory storage, the query/UI, the
 *   health check the chart's probes call. No Jaeger/Zipkin receivers, no
 *   remote sampling endpoint, no MCP server.
 * - Hardened: non-root, no privilege escalation, every capability dropped,
 *   RuntimeDefault seccomp, a read-only root filesystem (an in-memory /tmp),
 *   no service-account token (Jaeger calls no Kubernetes API); requests and
 *   limits set. The namespace enforces `restricted`.
 * - Not public: reach the UI with kubectl port-forward (docs/observability.md).
 */
import type { ExternalPeer } from "../policy/authz-network-policy-spec";
import type { Resources } from "../workload/spec";
import { serviceHost } from "../mesh/mesh-identities";
import { RELEASE_NAME as MONITORING_RELEASE } from "./monitoring";

export const TRACING_NAMESPACE = "tracing";
/** The Helm release's name; the chart names its Deployment, Service and ServiceAccount after it (jaeger.fullname). */
export const JAEGER_RELEASE = "jaeger";
export const JAEGER_SERVICE = JAEGER_RELEASE;
export const JAEGER_SERVICE_ACCOUNT = JAEGER_RELEASE;
/** The Service's ports (the chart's templates/jaeger/jaeger-service.yaml). */
export const JAEGER_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, query: 16686 } as const;
/** The pod's labels (the chart's selector labels plus its component label). */
export const JAEGER_POD_LABELS = {
  "app.kubernetes.io/name": "jaeger",
  "app.kubernetes.io/instance": JAEGER_RELEASE,
  "app.kubernetes.io/component": "all-in-one",
};
/**
 * Grafana's pods (kube-prometheus-stack's grafana chart 12.11.1,
 * templates/_helpers.tpl `grafana.selectorLabels`: the chart's name and the
 * release's), which read Jaeger through its datasource.
 */
export const GRAFANA_POD_LABELS = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": MONITORING_RELEASE };
/** Jaeger's pods as a peer of the shop's NetworkPolicies. */
export const JAEGER_PEER: ExternalPeer = { namespace: TRACING_NAMESPACE, podLabels: JAEGER_POD_LABELS };

/** Traces kept in memory; the oldest go first. */
export const MAX_TRACES = 10_000;
export const JAEGER_RESOURCES: Resources = {
  requests: { cpu: "100m", memory: "256Mi" },
  limits: { cpu: "1", memory: "1Gi" },
};

/** The in-cluster host of the collector's Service. */
export const JAEGER_HOST = serviceHost(JAEGER_SERVICE, TRACING_NAMESPACE);
/** What the services' OTEL_EXPORTER_OTLP_ENDPOINT is: OTLP/HTTP, spans to <it>/v1/traces. */
export const OTLP_HTTP_ENDPOINT = `http://${JAEGER_HOST}:${JAEGER_PORTS.otlpHttp}`;
/** The query API and UI (Grafana's datasource). */
export const JAEGER_QUERY_URL = `http://${JAEGER_HOST}:${JAEGER_PORTS.query}`;

const STORE = "memstore";
const everywhere = (port: number) => `0.0.0.0:${port}`;

/**
 * Jaeger's own configuration (an OpenTelemetry Collector configuration with
 * Jaeger's extensions), as jaegertracing/jaeger v2.19.0
 * cmd/jaeger/internal/all-in-one.yaml writes it, reduced to what is used.
 */
export function jaegerConfig(): Record<string, unknown> {
  return {
    service: {
      extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
      pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
    },
    extensions: {
      jaeger_query: { storage: { traces: STORE } },
      jaeger_storage: { backends: { [STORE]: { memory: { max_traces: MAX_TRACES } } } },
      // The chart's probes: GET /status on 13133.
      healthcheckv2: { use_v2: true, http: { endpoint: everywhere(13133) } },
    },
    receivers: { otlp: { protocols: { grpc: { endpoint: everywhere(JAEGER_PORTS.otlpGrpc) }, http: { endpoint: everywhere(JAEGER_PORTS.otlpHttp) } } } },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
  };
}

export function jaegerValues(): Record<string, unknown> {
  return {
    userconfig: jaegerConfig(),
    jaeger: {
      replicas: 1,
      resources: JAEGER_RESOURCES,
      serviceAccount: { automountServiceAccountToken: false },
      podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      extraVolumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
      extraVolumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    },
  };
}

/**
 * Grafana's datasource for it (Grafana's provisioning format: type `jaeger`,
 * the query service's URL, proxied by Grafana's server).
 */
export const JAEGER_DATASOURCE_UID = "jaeger";
export function jaegerDatasource(): Record<string, unknown> {
  return { name: "Jaeger", type: "jaeger", uid: JAEGER_DATASOURCE_UID, access: "proxy", url: JAEGER_QUERY_URL, isDefault: false, editable: false };
}
