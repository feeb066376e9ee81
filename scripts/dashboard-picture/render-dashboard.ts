/**
 * A recorded dashboard (panel-series.ts) drawn as a PNG: a page of Grafana's
 * 24-column grid, one Chart.js 4 line chart per panel (dashboard-charts.browser.js),
 * Chart.js's UMD build inlined (page.setContent: nothing is fetched), in
 * Debian's chromium driven by playwright-core as the e2e tests launch it.
 *
 *   const { canvases, drawn } = await renderDashboard(recorded, "docs/dashboard.png");
 */
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { launchChromium } from "../../test/e2e/support/browser";
import type { RecordedDashboard } from "./panel-series";

/** What the page drew: per panel, the datasets (series) and their points with a value. */
export interface DrawnPanel {
  readonly title: string;
  readonly datasets: number;
  readonly points: number;
}

export interface Rendered {
  /** <canvas> elements in the page when the screenshot was taken. */
  readonly canvases: number;
  readonly drawn: readonly DrawnPanel[];
  readonly path: string;
}

/** Chart.js's UMD build, beside the CommonJS entry its package exports (the package does not export the file itself). */
const CHART_JS = join(dirname(require.resolve("chart.js")), "chart.umd.min.js");
const PAGE_SCRIPT = join(__dirname, "dashboard-charts.browser.js");
/** The page's width in CSS pixels; the height follows the grid. */
const WIDTH = 1800;

/** Text for a <script> element: "</script" cannot end it early. */
function scriptText(code: string): string {
  return code.replace(/<\/script/gi, "<\\/script");
}

export function dashboardPage(recorded: RecordedDashboard, caption: string): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(recorded.title)}</title>
<style>
  body { margin: 0; padding: 12px; background: #111217; color: #ccccdc; font: 13px/1.3 system-ui, "DejaVu Sans", sans-serif; width: ${WIDTH - 24}px; }
  header h1 { font-size: 16px; margin: 0 0 2px; font-weight: 600; }
  header p { margin: 0 0 10px; color: #9fa7b3; font-size: 12px; }
  #grid { display: grid; grid-template-columns: repeat(24, 1fr); grid-auto-rows: 36px; gap: 8px; }
  .panel { background: #181b1f; border: 1px solid #2c3235; border-radius: 2px; padding: 6px 8px; display: flex; flex-direction: column; min-width: 0; min-height: 0; }
  .panel h2 { font-size: 13px; font-weight: 500; margin: 0 0 4px; color: #ccccdc; }
  .chart { position: relative; flex: 1; min-height: 0; }
  .row { margin: 0; align-self: end; font-size: 14px; font-weight: 600; color: #d8d9da; border-bottom: 1px solid #2c3235; padding-bottom: 4px; }
  .note { margin: 4px 0 0; color: #9fa7b3; font-size: 12px; }
</style></head>
<body><header><h1>${escape(recorded.title)}</h1><p>${escape(caption)}</p></header><div id="grid"></div>
<script>${scriptText(readFileSync(CHART_JS, "utf8"))}</script>
<script>window.__dashboard = ${scriptText(JSON.stringify(recorded))};</script>
<script>${scriptText(readFileSync(PAGE_SCRIPT, "utf8"))}</script>
</body></html>`;
}

/** Draws `recorded` and writes the page's screenshot (the whole grid) to `path`. */
export async function renderDashboard(recorded: RecordedDashboard, path: string, caption = ""): Promise<Rendered> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.setContent(dashboardPage(recorded, caption), { waitUntil: "load" });
    const drawn = (await page.evaluate(() => (window as unknown as { __drawn?: DrawnPanel[] }).__drawn)) ?? [];
    if (errors.length > 0) throw new Error(`the dashboard page failed: ${errors.join("; ")}`);
    const canvases = await page.locator("#grid canvas").count();
    await mkdir(dirname(path), { recursive: true });
    await page.screenshot({ path, fullPage: true, animations: "disabled" });
    return { canvases, drawn, path };
  } finally {
    await browser.close();
  }
}
