/**
 * The PromQL the mesh report runs at the end of each round, over the round's
 * window, against the stack's own Prometheus (kube-prometheus-stack):
 *
 * - per public journey (infra/observability/slo.ts JOURNEYS: browse, add to
 *   cart, checkout): p50 and p99 of the gateway's request duration, its
 *   request rate and 5xx share, from the services' own metrics;
 * - per hop (caller → upstream): p50 and p99 of the callers' client-side
 *   histogram `upstream_request_duration_seconds` (services/kit/http-client.ts),
 *   which includes both ends' proxies in a mesh;
 * - the shoppers' request rate the gateway served and its 5xx share;
 * - CPU and memory per component group, from cAdvisor as kube-prometheus-stack
 *   88.5.3 scrapes it (job "kubelet", metrics_path "/metrics/cadvisor",
 *   labels namespace, pod, container, image: docs/upstream.md).
 */
import { JOURNEYS } from "../../infra/observability/slo";
import { errorRatio, latencyQuantile, requestRate, TRAFFIC_ONLY, type Matchers } from "../../infra/observability/queries";
import { INGRESS_NAMESPACE } from "../../infra/platform/ingress-nginx";
import { ISTIO_NAMESPACE } from "../../infra/mesh/istio/istio-values";
import { LINKERD_CNI_NAMESPACE, LINKERD_NAMESPACE, LINKERD_VIZ_NAMESPACE } from "../../infra/mesh/linkerd/linkerd-values";
import { LOAD_GENERATOR } from "../../infra/authz/graph";

/** The proxies' container names: Istio's injected sidecar, Linkerd's injected proxy. */
export const PROXY_CONTAINERS = ["istio-proxy", "linkerd-proxy"] as const;

/** The client-side histogram every service records per call (services/kit/http-client.ts UpstreamMetrics). */
export const HOP_DURATION = "upstream_request_duration_seconds";
export const HOP_REQUESTS = "upstream_requests_total";

export const CADVISOR_CPU = "container_cpu_usage_seconds_total";
export const CADVISOR_MEMORY = "container_memory_working_set_bytes";
/** kube-prometheus-stack's own recording rules select cAdvisor's series so (k8s.rules.container_*); the container filters drop pod-level cgroups. */
const CADVISOR: Matchers = { job: "kubelet", metrics_path: "/metrics/cadvisor", image: "!~^$", container: ["!~^$", "!~POD"] };

export const RESOURCE_GROUPS = ["services", "proxies", "control-plane", "monitoring", "edge", "load-generator"] as const;
export type ResourceGroup = (typeof RESOURCE_GROUPS)[number];

export interface Namespaces {
  readonly shop: string;
  readonly monitoring: string;
}

const alternatives = (names: readonly string[]) => names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&")).join("|");
const PROXIES = alternatives(PROXY_CONTAINERS);
const CONTROL_PLANE_NAMESPACES = alternatives([ISTIO_NAMESPACE, LINKERD_NAMESPACE, LINKERD_VIZ_NAMESPACE, LINKERD_CNI_NAMESPACE]);

/**
 * Each group's containers, as one or more selectors whose series are added
 * up (a container is in exactly one group):
 * - services: the shop's namespace (Redis included), neither proxies nor the load generator;
 * - proxies: every istio-proxy / linkerd-proxy outside the control plane (the edge's, Prometheus's and the load generator's included);
 * - control-plane: istio-system, linkerd, linkerd-viz, linkerd-cni, and Istio's CNI node agent (DaemonSet istio-cni-node in kube-system);
 * - monitoring, edge: their namespaces, proxies aside;
 * - load-generator: its container (the traffic's source, not the shop's cost).
 */
export function resourceSelectors(ns: Namespaces): Record<ResourceGroup, Matchers[]> {
  const notProxy = { container: [...(CADVISOR.container as string[]), `!~${PROXIES}`] };
  return {
    services: [{ ...CADVISOR, namespace: ns.shop, container: [...notProxy.container, `!~${LOAD_GENERATOR}`] }],
    proxies: [{ ...CADVISOR, namespace: `!~${CONTROL_PLANE_NAMESPACES}`, container: [...(CADVISOR.container as string[]), `~${PROXIES}`] }],
    "control-plane": [
      { ...CADVISOR, namespace: `~${CONTROL_PLANE_NAMESPACES}` },
      { ...CADVISOR, namespace: "kube-system", pod: "~istio-cni-node-.+" },
    ],
    monitoring: [{ ...CADVISOR, namespace: ns.monitoring, ...notProxy }],
    edge: [{ ...CADVISOR, namespace: INGRESS_NAMESPACE, ...notProxy }],
    "load-generator": [{ ...CADVISOR, namespace: ns.shop, container: LOAD_GENERATOR }],
  };
}

function sel(m: Matchers): string {
  return Object.entries(m)
    .flatMap(([k, v]) => (typeof v === "string" ? [v] : v).map((one) => (one.startsWith("!~") ? `${k}!~"${one.slice(2)}"` : one.startsWith("~") ? `${k}=~"${one.slice(1)}"` : `${k}="${one}"`)))
    .join(",");
}

/** A named instant query; `kind` says how its vector becomes a figure. */
export interface NamedQuery {
  readonly name: string;
  readonly expr: string;
  /** Where it can return data: "local" ones must on the local shop, "cluster" ones only in a cluster. */
  readonly where: "local" | "cluster";
}

const GATEWAY = (ns: Namespaces): Matchers => ({ namespace: ns.shop, service: "gateway" });
const journeyMatchers = (ns: Namespaces, j: (typeof JOURNEYS)[number]): Matchers => ({ ...GATEWAY(ns), method: j.method, route: `~${alternatives(j.routes)}` });

/** Every query of a round over `windowS` seconds. Hop queries return one series per (service, upstream). */
export function roundQueries(ns: Namespaces, windowS: number): NamedQuery[] {
  const w = `${Math.round(windowS)}s`;
  const local = (name: string, expr: string): NamedQuery => ({ name, expr, where: "local" });
  const hop: Matchers = { namespace: ns.shop };
  const journeys = JOURNEYS.flatMap((j) => {
    const m = journeyMatchers(ns, j);
    return [
      local(`journey:${j.name}:p50`, latencyQuantile(0.5, m, "namespace", w)),
      local(`journey:${j.name}:p99`, latencyQuantile(0.99, m, "namespace", w)),
      local(`journey:${j.name}:rps`, requestRate(m, "namespace", w)),
      local(`journey:${j.name}:errors`, errorRatio(m, "namespace", w)),
    ];
  });
  const hopQuantile = (q: number) => `histogram_quantile(${q}, sum by (service, upstream, le) (rate(${HOP_DURATION}_bucket{${sel(hop)}}[${w}])))`;
  const resources = Object.entries(resourceSelectors(ns)).flatMap(([group, selectors]) => [
    { name: `cpu:${group}`, where: "cluster" as const, expr: `sum(${selectors.map((s) => `rate(${CADVISOR_CPU}{${sel(s)}}[${w}])`).join(" or ")})` },
    { name: `memory:${group}`, where: "cluster" as const, expr: `sum(${selectors.map((s) => `avg_over_time(${CADVISOR_MEMORY}{${sel(s)}}[${w}])`).join(" or ")})` },
  ]);
  return [
    local("achieved", requestRate({ ...GATEWAY(ns), ...TRAFFIC_ONLY }, "namespace", w)),
    local("errors", errorRatio({ ...GATEWAY(ns), ...TRAFFIC_ONLY }, "namespace", w)),
    ...journeys,
    local("hop:p50", hopQuantile(0.5)),
    local("hop:p99", hopQuantile(0.99)),
    local("hop:rps", `sum by (service, upstream) (rate(${HOP_REQUESTS}{${sel(hop)}}[${w}]))`),
    ...resources,
  ];
}
