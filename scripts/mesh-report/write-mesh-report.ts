/** Writes <out>/mesh-report.md and its charts (<out>/charts/figure-<n>.png) from a run's state. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderCharts } from "./chart-render";
import { buildReport } from "./report-document";
import type { RunState } from "./run-state";

export const REPORT_FILE = "mesh-report.md";

export async function writeReport(state: RunState, outDir: string): Promise<{ markdown: string; charts: string[] }> {
  mkdirSync(outDir, { recursive: true });
  const doc = buildReport(state, outDir);
  await renderCharts(doc.charts);
  writeFileSync(join(outDir, REPORT_FILE), doc.markdown);
  return { markdown: join(outDir, REPORT_FILE), charts: doc.charts.map((c) => c.file) };
}
