/**
 * The shop's Grafana dashboard: RED (rate, errors, duration) per service and
 * per route, payment v1 against v2 for the canary, and each service's Node
 * runtime (event-loop lag, heap, resident memory, CPU). Plain JSON in
 * Grafana's dashboard model, delivered as a ConfigMap that Grafana's sidecar
 * loads. Every query returns data from a real Prometheus scraping the shop
 * (test/observability/real-prometheus.test.ts).
 */
import { errorRatio, latencyQuantile, requestRate, TRAFFIC_ONLY } from "./queries";

export const DASHBOARD_UID = "meshmart-red";
export const DASHBOARD_FILE = "meshmart-red.json";
const DATASOURCE = { type: "prometheus", uid: "prometheus" };

interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

function panel(id: number, title: string, unit: string, targets: readonly Target[], x: number, y: number, w = 8) {
  return {
    id,
    type: "timeseries",
    title,
    datasource: DATASOURCE,
    gridPos: { x, y, w, h: 8 },
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: "table", placement: "bottom" }, tooltip: { mode: "multi" } },
    targets: targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i), datasource: DATASOURCE })),
  };
}

function row(id: number, title: string, y: number) {
  return { id, type: "row", title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] };
}

/** The dashboard for the services in `namespace`. */
export function redDashboard(namespace: string): Record<string, unknown> {
  const ns = { namespace, ...TRAFFIC_ONLY };
  const pay = { namespace, service: "payment", ...TRAFFIC_ONLY };
  // prom-client's default metrics (collectDefaultMetrics), per process.
  const runtime = `namespace="${namespace}"`;
  return {
    uid: DASHBOARD_UID,
    title: "meshmart — RED per service",
    tags: ["meshmart"],
    timezone: "browser",
    schemaVersion: 39,
    refresh: "10s",
    time: { from: "now-30m", to: "now" },
    panels: [
      row(1, "Services", 0),
      panel(2, "Requests per second", "reqps", [{ expr: requestRate(ns, "service"), legendFormat: "{{service}}" }], 0, 1),
      panel(3, "Error ratio (5xx)", "percentunit", [{ expr: errorRatio(ns, "service"), legendFormat: "{{service}}" }], 8, 1),
      panel(
        4,
        "Latency p50 / p99",
        "s",
        [
          { expr: latencyQuantile(0.5, ns, "service"), legendFormat: "p50 {{service}}" },
          { expr: latencyQuantile(0.99, ns, "service"), legendFormat: "p99 {{service}}" },
        ],
        16,
        1,
      ),
      row(5, "Payment canary: v1 vs v2", 9),
      panel(6, "payment requests per second by version", "reqps", [{ expr: requestRate(pay, "version"), legendFormat: "{{version}}" }], 0, 10),
      panel(7, "payment error ratio by version", "percentunit", [{ expr: errorRatio(pay, "version"), legendFormat: "{{version}}" }], 8, 10),
      panel(8, "payment p99 latency by version", "s", [{ expr: latencyQuantile(0.99, pay, "version"), legendFormat: "{{version}}" }], 16, 10),
      row(9, "Routes", 18),
      panel(10, "Requests per second by route", "reqps", [{ expr: requestRate(ns, "service, method, route"), legendFormat: "{{service}} {{method}} {{route}}" }], 0, 19),
      panel(11, "Error ratio by route (5xx)", "percentunit", [{ expr: errorRatio(ns, "service, method, route"), legendFormat: "{{service}} {{method}} {{route}}" }], 8, 19),
      panel(12, "p99 latency by route", "s", [{ expr: latencyQuantile(0.99, ns, "service, method, route"), legendFormat: "{{service}} {{method}} {{route}}" }], 16, 19),
      row(13, "Node runtime", 27),
      panel(14, "Event-loop lag p99", "s", [{ expr: `max by (service) (nodejs_eventloop_lag_p99_seconds{${runtime}})`, legendFormat: "{{service}}" }], 0, 28, 6),
      panel(15, "Heap used", "bytes", [{ expr: `sum by (service) (nodejs_heap_size_used_bytes{${runtime}})`, legendFormat: "{{service}}" }], 6, 28, 6),
      panel(16, "Resident memory", "bytes", [{ expr: `sum by (service) (process_resident_memory_bytes{${runtime}})`, legendFormat: "{{service}}" }], 12, 28, 6),
      panel(17, "CPU (cores)", "short", [{ expr: `sum by (service) (rate(process_cpu_seconds_total{${runtime}}[1m]))`, legendFormat: "{{service}}" }], 18, 28, 6),
    ],
  };
}
