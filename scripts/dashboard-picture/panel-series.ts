/**
 * Every panel of a dashboard, queried over a time range on a real
 * Prometheus (query_range, the queries as Grafana sends them) and kept as
 * the picture draws it: the panel's title, unit and place on the grid, and
 * one series per result with its legend (the panel's legendFormat filled
 * from the series' labels, as Grafana does). A panel whose every query reads
 * series that only a cluster has is kept, with a note saying so.
 */
import type { RunningPrometheus } from "../../test/observability/support/prometheus";
import type { DashboardPanel, DashboardRow } from "../../test/observability/support/dashboard-panels";
import { CLUSTER_ONLY_SERIES, referencedNames } from "../../test/observability/support/upstream-series";

export interface TimeRange {
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  /** Seconds between points. */
  readonly step: number;
}

export interface RecordedSeries {
  readonly label: string;
  /** [unix seconds, value]; null where Prometheus had no number (NaN, ±Inf): a gap, as Grafana draws it. */
  readonly points: readonly (readonly [number, number | null])[];
}

export interface RecordedPanel {
  readonly title: string;
  readonly unit: string;
  readonly gridPos: DashboardPanel["gridPos"];
  readonly series: readonly RecordedSeries[];
  /** Why the panel is empty here, when it is by design. */
  readonly note?: string;
}

export interface RecordedDashboard {
  readonly title: string;
  readonly range: TimeRange;
  readonly rows: readonly DashboardRow[];
  readonly panels: readonly RecordedPanel[];
}

/**
 * Grafana's legend (renderLegendFormat): `{{label}}` replaced by the series'
 * value of that label, or by the label's name when the series has none (or
 * an empty one); no format: the series' labels.
 */
export function legend(format: string, metric: Readonly<Record<string, string>>): string {
  if (format.trim() === "") return `{${Object.entries(metric).map(([k, v]) => `${k}="${v}"`).join(", ")}}`;
  return format.replace(/\{\{\s*(.+?)\s*\}\}/g, (_m, name: string) => metric[name] || name);
}

/** The metrics a panel reads when they all exist only in a cluster (kube-state-metrics, a mesh's sidecars); else undefined. */
export function clusterOnlyMetrics(panel: DashboardPanel): string[] | undefined {
  const metrics = [...new Set(panel.targets.flatMap((t) => referencedNames(t.rawExpr).metrics))];
  return metrics.length > 0 && metrics.every((m) => m in CLUSTER_ONLY_SERIES) ? metrics : undefined;
}

function point(value: string): number | null {
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export async function recordPanels(
  prom: RunningPrometheus,
  layout: { readonly title: string; readonly rows: readonly DashboardRow[]; readonly panels: readonly DashboardPanel[] },
  range: TimeRange,
): Promise<RecordedDashboard> {
  const { title, rows, panels } = layout;
  const recorded: RecordedPanel[] = [];
  for (const panel of panels) {
    const series: RecordedSeries[] = [];
    for (const target of panel.targets) {
      const { result } = await prom.queryRange(target.expr, range); // rejects with Prometheus's error text
      const ofTarget = result.map((s) => ({ label: legend(target.legendFormat, s.metric), points: s.values.map(([t, v]) => [t, point(v)] as const) }));
      series.push(...ofTarget.sort((a, b) => a.label.localeCompare(b.label)));
    }
    const clusterOnly = clusterOnlyMetrics(panel);
    const note = clusterOnly && series.length === 0 ? `No data here: ${clusterOnly.join(", ")} exist only in a cluster.` : undefined;
    recorded.push({ title: panel.title, unit: panel.unit, gridPos: panel.gridPos, series, ...(note ? { note } : {}) });
  }
  return { title, range, rows, panels: recorded };
}
