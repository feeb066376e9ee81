/**
 * The dashboard's panels with data, from a real run: the local shop scraped
 * by Debian's Prometheus as a cluster's would (test/observability/support/
 * scraped-shop.ts), driven by the load generator (services/load-generator)
 * at `rate` requests/s for `durationS`, then every panel of the dashboard
 * JSON queried over the run (panel-series.ts). Everything it started is
 * stopped before it returns.
 *
 *   const run = await recordUnderLoad({ dashboard: redDashboard("meshmart"), namespace: "meshmart", durationS: 120, rate: 20 });
 *   await renderDashboard(run.recorded, "docs/dashboard.png");
 */
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import type { ShopOptions } from "../launcher/start-shop";
import { parseLoadOptions } from "../../services/load-generator/load-options";
import type { LoadSummary } from "../../services/load-generator/load-report";
import { startLoad, type Progress } from "../../services/load-generator/open-loop";
import { dashboardPanels, dashboardRows } from "../../test/observability/support/dashboard-panels";
import { startScrapedShop } from "../../test/observability/support/scraped-shop";
import { waitFor } from "../../test/support/wait";
import { recordPanels, type RecordedDashboard } from "./panel-series";

export interface RecordOptions {
  readonly dashboard: Dashboard;
  readonly namespace: string;
  readonly durationS: number;
  /** Requests per second the load generator offers. */
  readonly rate: number;
  /** The journeys' mix as `npm run load -- --mix` takes it; the generator's default when unset. */
  readonly mix?: string;
  /** Seconds between the recorded points. */
  readonly stepS?: number;
  /** For startShop: fault rates, the canary weight. */
  readonly shop?: Pick<ShopOptions, "env" | "canaryWeight">;
  readonly onProgress?: (p: Progress) => void;
}

export interface RecordedRun {
  readonly recorded: RecordedDashboard;
  readonly load: LoadSummary;
  /** Unix seconds of the load's start and of the last query's end. */
  readonly startedAt: number;
  readonly endedAt: number;
}

const nowS = () => Date.now() / 1000;

export async function recordUnderLoad(options: RecordOptions): Promise<RecordedRun> {
  const scraped = await startScrapedShop({ namespace: options.namespace, ...(options.shop ? { shop: options.shop } : {}) });
  try {
    const { prom, shop } = scraped;
    // the gateway's counters exist before the load starts, so its first requests count in rate()
    await waitFor("every target scraped", async () => Object.values(await prom.targetsUp()).every((h) => h === "up") || undefined, { timeoutMs: 20_000, intervalMs: 200 });
    const startedAt = Math.floor(nowS());
    const flags = ["--target", shop.urls.gateway, "--rate", String(options.rate), "--duration", String(options.durationS), ...(options.mix ? ["--mix", options.mix] : [])];
    const load = await startLoad(parseLoadOptions(flags), {
      progressEveryMs: 10_000,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }).done;
    // every target scraped, successfully, after the last request (on a loaded machine a 1 s scrape can time out)
    const loadEnd = nowS();
    await waitFor(
      "every target scraped after the load",
      async () => {
        const { result } = await prom.query("min(timestamp(up)) and min(up) == 1");
        return result.length > 0 && Number(result[0]!.value[1]) > loadEnd;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    const endedAt = Math.ceil(nowS());
    const stepS = options.stepS ?? 2;
    const layout = { title: options.dashboard.title ?? "", rows: dashboardRows(options.dashboard), panels: dashboardPanels(options.dashboard) };
    const recorded = await recordPanels(prom, layout, { start: startedAt, end: endedAt, step: stepS });
    return { recorded, load, startedAt, endedAt };
  } finally {
    await scraped.stop();
  }
}
