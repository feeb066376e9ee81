/**
 * The shop's Grafana dashboard: RED (rate, errors, duration) per service, and
 * payment v1 against v2 for the canary. Plain JSON in Grafana's dashboard
 * model, delivered as a ConfigMap that Grafana's sidecar loads.
 */
import { errorRatio, latencyQuantile, requestRate, TRAFFIC_ONLY } from "./queries";

export const DASHBOARD_UID = "meshmart-red";
export const DASHBOARD_FILE = "meshmart-red.json";
const DATASOURCE = { type: "prometheus", uid: "prometheus" };

interface Target {
  readonly expr: string;
  readonly legendFormat: string;
}

function panel(id: number, title: string, unit: string, targets: readonly Target[], x: number, y: number) {
  return {
    id,
    type: "timeseries",
    title,
    datasource: DATASOURCE,
    gridPos: { x, y, w: 8, h: 8 },
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
    ],
  };
}
