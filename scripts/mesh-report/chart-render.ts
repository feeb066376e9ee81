/**
 * PNG charts drawn by Chart.js 4.6.1 (a devDependency) in Debian's chromium
 * driven by playwright-core, as the browser tests run it: one page, one
 * canvas, each chart drawn without animation and screenshotted. A chart is a
 * plain Chart.js configuration (JSON: no callbacks).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS } from "../../test/e2e/support/browser";

/** Debian's chromium, as the browser tests use; MESH_REPORT_CHROMIUM names another Chromium-based browser (the kind workflow's runner has Google Chrome). */
export const CHART_BROWSER = process.env.MESH_REPORT_CHROMIUM || "/usr/bin/chromium";

export interface ChartSpec {
  /** Where the PNG goes. */
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** A Chart.js configuration: { type, data, options }. */
  readonly config: Record<string, unknown>;
}

declare global {
  interface Window {
    Chart: new (canvas: HTMLCanvasElement, config: unknown) => { destroy(): void };
  }
}

export async function renderCharts(specs: readonly ChartSpec[]): Promise<void> {
  if (specs.length === 0) return;
  if (!existsSync(CHART_BROWSER)) throw new Error(`${CHART_BROWSER} is missing: install Debian's chromium (apt-get install chromium) or set MESH_REPORT_CHROMIUM to a Chromium-based browser to draw the charts`);
  const browser = await chromium.launch({ executablePath: CHART_BROWSER, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    await page.setContent('<!doctype html><html><body style="margin:0;background:#fff"><div id="box"></div></body></html>');
    // the UMD build sits beside the CommonJS entry (the package's exports map lists neither file by path)
    await page.addScriptTag({ path: join(dirname(require.resolve("chart.js")), "chart.umd.min.js") });
    for (const spec of specs) {
      await page.setViewportSize({ width: spec.width, height: spec.height });
      await page.evaluate(
        ({ width, height, config }) => {
          const box = document.getElementById("box")!;
          box.innerHTML = "";
          const canvas = document.createElement("canvas");
          canvas.id = "chart";
          canvas.width = width;
          canvas.height = height;
          canvas.style.background = "#fff";
          box.appendChild(canvas);
          const c = config as { options?: Record<string, unknown> };
          new window.Chart(canvas, { ...c, options: { ...(c.options ?? {}), animation: false, responsive: false, devicePixelRatio: 1 } });
        },
        { width: spec.width, height: spec.height, config: spec.config },
      );
      await mkdir(dirname(spec.file), { recursive: true });
      await page.locator("#chart").screenshot({ path: spec.file });
    }
  } finally {
    await browser.close();
  }
}
