/**
 * The shop's Grafana dashboard, built with Grafana's own TypeScript SDK
 * (@grafana/grafana-foundation-sdk): template variables for namespace and
 * service, RED per service and per route, payment v1 against v2 (from the
 * services' metrics, and in the mesh stacks from the mesh's), the Node
 * runtime, Redis, notifications' consumer lag and the HPAs. Every panel
 * filters by the variables. Delivered as a ConfigMap that Grafana's sidecar
 * loads (observability.ts). Every panel of the services, Redis and the lag
 * returns data from a real Prometheus scraping the shop
 * (test/observability/real-prometheus.test.ts); the cluster-only ones
 * (kube-state-metrics, Istio, Linkerd) name only upstream's metrics and
 * labels (test/observability/support/upstream-series.ts).
 */
import { DashboardBuilder, DashboardCursorSync, QueryVariableBuilder, RowBuilder, VariableRefresh, VariableSort, type Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { LegendDisplayMode, LegendPlacement, SortOrder, TooltipDisplayMode, VizLegendOptionsBuilder, VizTooltipOptionsBuilder } from "@grafana/grafana-foundation-sdk/common";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TimeseriesBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { eventsLag, hpa, istio, linkerd, redis, runtime, BY_SERVICE } from "./dashboard-queries";
import { errorRatio, latencyQuantile, requestRate, REQUESTS, TRAFFIC_ONLY } from "./queries";

export const DASHBOARD_UID = "meshmart-red";
export const DASHBOARD_FILE = "meshmart-red.json";
/** kube-prometheus-stack's Prometheus datasource (grafana.sidecar.datasources.uid, its default). */
export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;

/** Whose metrics a stack's Prometheus has besides the services' own. */
export interface DashboardSources {
  /** The mesh whose proxy metrics Prometheus scrapes (Istio: the Envoy PodMonitor; Linkerd: the proxies' admin port PodMonitor); "none" without. */
  readonly meshMetrics: "none" | "istio" | "linkerd";
}

interface Target {
  readonly expr: string;
  readonly legend: string;
}

const HEIGHT = 8;

function timeseries(title: string, unit: string, targets: readonly Target[], width: number, description?: string): TimeseriesBuilder {
  const panel = new TimeseriesBuilder()
    .title(title)
    .unit(unit)
    .datasource(PROMETHEUS_DATASOURCE)
    .height(HEIGHT)
    .span(width)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Bottom))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  if (description) panel.description(description);
  for (const t of targets) panel.withTarget(new DataqueryBuilder().datasource(PROMETHEUS_DATASOURCE).expr(t.expr).legendFormat(t.legend));
  return panel;
}

/** A query variable over the services' request counter. */
function variable(name: string, label: string, query: string, all: boolean): QueryVariableBuilder {
  const v = new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS_DATASOURCE)
    .query({ query, refId: `${name}-values` })
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
  return all ? v.multi(true).includeAll(true).allValue(".*") : v;
}

/**
 * The dashboard; `namespace` is the shop's (the namespace variable's
 * default), `sources` says which panels beyond the services' this stack's
 * Prometheus can fill.
 */
export function redDashboard(namespace: string, sources: DashboardSources = { meshMetrics: "none" }): Dashboard {
  const traffic = { ...BY_SERVICE, ...TRAFFIC_ONLY };
  const payment = { ...traffic, service: ["payment", "~$service"] };
  const perRoute = "service, method, route";
  const routeLegend = "{{service}} {{method}} {{route}}";
  const namespaceVar = variable("namespace", "Namespace", `label_values(${REQUESTS}, namespace)`, false).current({ text: namespace, value: namespace });
  const serviceVar = variable("service", "Service", `label_values(${REQUESTS}{namespace=~"$namespace"}, service)`, true).current({ text: "All", value: "$__all" });

  const d = new DashboardBuilder("meshmart — RED per service")
    .uid(DASHBOARD_UID)
    .tags(["meshmart"])
    .timezone("browser")
    .refresh("10s")
    .time({ from: "now-30m", to: "now" })
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .withVariable(namespaceVar)
    .withVariable(serviceVar)

    .withRow(new RowBuilder("Services"))
    .withPanel(timeseries("Requests per second", "reqps", [{ expr: requestRate(traffic, "service"), legend: "{{service}}" }], 8))
    .withPanel(timeseries("Error ratio (5xx)", "percentunit", [{ expr: errorRatio(traffic, "service"), legend: "{{service}}" }], 8))
    .withPanel(
      timeseries(
        "Latency p50 / p99",
        "s",
        [
          { expr: latencyQuantile(0.5, traffic, "service"), legend: "p50 {{service}}" },
          { expr: latencyQuantile(0.99, traffic, "service"), legend: "p99 {{service}}" },
        ],
        8,
      ),
    )

    .withRow(new RowBuilder("Routes"))
    .withPanel(timeseries("Requests per second by route", "reqps", [{ expr: requestRate(traffic, perRoute), legend: routeLegend }], 8))
    .withPanel(timeseries("Error ratio by route (5xx)", "percentunit", [{ expr: errorRatio(traffic, perRoute), legend: routeLegend }], 8))
    .withPanel(timeseries("p99 latency by route", "s", [{ expr: latencyQuantile(0.99, traffic, perRoute), legend: routeLegend }], 8))

    .withRow(new RowBuilder("Payment canary: v1 vs v2 (the services' metrics)"))
    .withPanel(timeseries("payment requests per second by version", "reqps", [{ expr: requestRate(payment, "version"), legend: "{{version}}" }], 8))
    .withPanel(timeseries("payment error ratio by version", "percentunit", [{ expr: errorRatio(payment, "version"), legend: "{{version}}" }], 8))
    .withPanel(timeseries("payment p99 latency by version", "s", [{ expr: latencyQuantile(0.99, payment, "version"), legend: "{{version}}" }], 8));

  if (sources.meshMetrics === "istio") {
    d.withRow(new RowBuilder("Payment canary: v1 vs v2 (Istio's sidecars)"))
      .withPanel(timeseries("Istio: payment requests per second by version", "reqps", [{ expr: istio.rate(), legend: "{{destination_version}}" }], 8))
      .withPanel(timeseries("Istio: payment error ratio by version", "percentunit", [{ expr: istio.errorRatio(), legend: "{{destination_version}}" }], 8))
      .withPanel(timeseries("Istio: payment p99 latency by version", "s", [{ expr: istio.p99Seconds(), legend: "{{destination_version}}" }], 8));
  }
  if (sources.meshMetrics === "linkerd") {
    d.withRow(new RowBuilder("Payment canary: v1 vs v2 (Linkerd's proxies)"))
      .withPanel(timeseries("Linkerd: payment requests per second by deployment", "reqps", [{ expr: linkerd.rate(), legend: "{{deployment}}" }], 8))
      .withPanel(
        timeseries("Linkerd: payment failure ratio by deployment", "percentunit", [{ expr: linkerd.errorRatio(), legend: "{{deployment}}" }], 8, "Responses the proxy classifies as failures (5xx, or no response)."),
      )
      .withPanel(timeseries("Linkerd: payment p99 latency by deployment", "s", [{ expr: linkerd.p99Seconds(), legend: "{{deployment}}" }], 8));
  }

  return d
    .withRow(new RowBuilder("Node runtime"))
    .withPanel(timeseries("Event-loop lag p99", "s", [{ expr: runtime.eventLoopP99(), legend: "{{service}}" }], 6))
    .withPanel(
      timeseries(
        "Heap used / total",
        "bytes",
        [
          { expr: runtime.heapUsed(), legend: "used {{service}}" },
          { expr: runtime.heapTotal(), legend: "total {{service}}" },
        ],
        6,
      ),
    )
    .withPanel(timeseries("GC time (share of wall time)", "percentunit", [{ expr: runtime.gcTime(), legend: "{{service}} {{kind}}" }], 6))
    .withPanel(timeseries("Resident memory", "bytes", [{ expr: runtime.rss(), legend: "{{service}}" }], 6))
    .withPanel(timeseries("CPU (cores)", "short", [{ expr: runtime.cpu(), legend: "{{service}}" }], 6))

    .withRow(new RowBuilder("Redis and the events stream"))
    .withPanel(
      timeseries(
        "Redis memory against maxmemory",
        "bytes",
        [
          { expr: redis.memoryUsed(), legend: "used" },
          { expr: redis.memoryMax(), legend: "maxmemory" },
        ],
        6,
        "With noeviction, a Redis at maxmemory refuses writes (the services answer 503).",
      ),
    )
    .withPanel(timeseries("Redis commands per second", "ops", [{ expr: redis.opsPerSecond(), legend: "commands" }], 6))
    .withPanel(timeseries("Redis clients", "short", [{ expr: redis.clients(), legend: "connected" }], 6))
    .withPanel(
      timeseries(
        "notifications: consumer lag on the events stream",
        "short",
        [{ expr: eventsLag(), legend: "{{group}} on {{stream}}" }],
        6,
        "Entries of the events stream not yet delivered to the notifications group (XINFO GROUPS lag).",
      ),
    )

    .withRow(new RowBuilder("Autoscaling"))
    .withPanel(
      timeseries(
        "HPA replicas against limits",
        "short",
        [
          { expr: hpa.current(), legend: "current {{horizontalpodautoscaler}}" },
          { expr: hpa.min(), legend: "min {{horizontalpodautoscaler}}" },
          { expr: hpa.max(), legend: "max {{horizontalpodautoscaler}}" },
        ],
        24,
        "kube-state-metrics; a service at its max cannot scale further.",
      ),
    )
    .build();
}
