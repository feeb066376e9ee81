/**
 * A Grafana dashboard's JSON (as infra/observability/dashboard.ts builds it)
 * read the way Grafana reads it: its panels (rows aside) with title, unit,
 * place on the grid and queries, and each query with the template variables
 * substituted as Grafana does with the variables at their current values —
 * a single value as it is, "All" as the variable's allValue.
 *
 *   const panels = dashboardPanels(redDashboard("meshmart"));
 *   await prom.query(panels[0].targets[0].expr);   // interpolated
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";

export interface PanelTarget {
  /** The query as Grafana sends it: variables substituted. */
  readonly expr: string;
  /** The query as the dashboard JSON has it. */
  readonly rawExpr: string;
  /** Grafana's legend format ("{{service}} {{route}}"). */
  readonly legendFormat: string;
}

export interface DashboardPanel {
  readonly title: string;
  readonly type: string;
  /** fieldConfig.defaults.unit (Grafana's unit id: reqps, percentunit, s, bytes, ops, short…). */
  readonly unit: string;
  readonly description?: string;
  /** Grafana's 24-column grid. */
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets: readonly PanelTarget[];
}

interface VariableJson {
  readonly name: string;
  readonly allValue?: string;
  readonly current?: { readonly value?: string | string[] };
}

/** What Grafana puts in place of each variable at its current value. */
export function variableValues(dashboard: Dashboard): Record<string, string> {
  const values: Record<string, string> = {};
  for (const v of (dashboard.templating?.list ?? []) as VariableJson[]) {
    const current = v.current?.value;
    const all = current === "$__all" || (Array.isArray(current) && current.includes("$__all"));
    const chosen = Array.isArray(current) ? current : current === undefined ? [] : [current];
    // Grafana escapes regex characters in a chosen value; the shop's names have none, and one that has is refused rather than mis-escaped
    const odd = chosen.find((c) => /[\\^$.|?*+()[\]{}]/.test(c));
    if (!all && odd !== undefined) throw new Error(`variable ${v.name}: ${JSON.stringify(odd)} needs Grafana's regex escaping, not done here`);
    const value = all ? v.allValue : chosen.length > 1 ? `(${chosen.join("|")})` : chosen[0];
    if (value === undefined) throw new Error(`variable ${v.name} has no current value (nor an allValue for All)`);
    values[v.name] = value;
  }
  return values;
}

/** `expr` with every `$name` / `${name}` of the dashboard's variables substituted; a variable left over is an error. */
export function interpolate(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (!(name in values)) throw new Error(`query uses $${name}, which is not a variable of the dashboard: ${expr}`);
    return values[name]!;
  });
}

interface PanelJson {
  readonly type: string;
  readonly title?: string;
  readonly description?: string;
  readonly gridPos?: DashboardPanel["gridPos"];
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: string } };
  readonly targets?: readonly { readonly expr?: string; readonly legendFormat?: string }[];
}

/** A row: a titled band across the grid at `y` (Grafana's row panels). */
export interface DashboardRow {
  readonly title: string;
  readonly y: number;
}

/** The dashboard's rows, in order. */
export function dashboardRows(dashboard: Dashboard): DashboardRow[] {
  return ((dashboard.panels ?? []) as PanelJson[]).filter((p) => p.type === "row").map((p) => ({ title: p.title ?? "", y: p.gridPos?.y ?? 0 }));
}

/** Every panel but rows, in the dashboard's order, its queries interpolated. */
export function dashboardPanels(dashboard: Dashboard): DashboardPanel[] {
  const values = variableValues(dashboard);
  return ((dashboard.panels ?? []) as PanelJson[])
    .filter((p) => p.type !== "row")
    .map((p) => ({
      title: p.title ?? "",
      type: p.type,
      unit: p.fieldConfig?.defaults?.unit ?? "short",
      ...(p.description ? { description: p.description } : {}),
      gridPos: p.gridPos ?? { x: 0, y: 0, w: 24, h: 8 },
      targets: (p.targets ?? []).map((t) => ({ expr: interpolate(t.expr ?? "", values), rawExpr: t.expr ?? "", legendFormat: t.legendFormat ?? "" })),
    }));
}
