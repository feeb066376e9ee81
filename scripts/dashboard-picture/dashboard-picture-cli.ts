/**
 * `npm run dashboard-picture`: a picture of the shop's Grafana dashboard with
 * data, without Grafana (it cannot run here). The dev stack's dashboard JSON
 * (infra/observability/dashboard.ts) is read as Grafana reads it; the local
 * shop runs with the demo's injected faults (Pulumi.istio.yaml) and the dev
 * stack's payment canary split (Pulumi.dev.yaml), scraped by Debian's
 * Prometheus with the ServiceMonitors' labels, under the load generator;
 * every panel's query is run over the load (query_range) and the panels are
 * drawn in Grafana's grid with Chart.js in Debian's chromium.
 *
 *   npm run dashboard-picture                          # 120 s at 20 requests/s → docs/dashboard.png
 *   npm run dashboard-picture -- --duration 60 --rate 10 --out /tmp/d.png [--json /tmp/d.json]
 *
 * Prints how the picture was made (for its caption). Exit 2 on a bad flag.
 */
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { redDashboard } from "../../infra/observability/dashboard";
import { progressLine } from "../../services/load-generator/load-report";
import { recordUnderLoad } from "./record-under-load";
import { renderDashboard } from "./render-dashboard";
import { canaryWeight, faultEnv } from "./stack-settings";

const NAMESPACE = "meshmart";
const ROOT = join(__dirname, "..", "..");

function flag(values: Record<string, string | undefined>, name: string, fallback: number, max: number): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n <= 0 || n > max) throw new Error(`--${name} must be a number above 0, at most ${max}; got ${JSON.stringify(text)}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let durationS: number, rate: number, out: string, json: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { duration: { type: "string" }, rate: { type: "string" }, out: { type: "string" }, json: { type: "string" } } });
    durationS = flag(values, "duration", 120, 600);
    rate = flag(values, "rate", 20, 200);
    out = values.out ?? join(ROOT, "docs", "dashboard.png");
    json = values.json;
  } catch (err) {
    process.stderr.write(`dashboard-picture: ${(err as Error).message}\nusage: npm run dashboard-picture -- [--duration S] [--rate N] [--out FILE.png] [--json FILE]\n`);
    return 2;
  }
  const env = faultEnv("istio");
  const weight = canaryWeight("dev");
  const settings = `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}, ${weight}% of payments to v2`;
  process.stderr.write(`dashboard-picture: the local shop (${settings}) under ${rate} requests/s for ${durationS} s\n`);
  const run = await recordUnderLoad({
    dashboard: redDashboard(NAMESPACE),
    namespace: NAMESPACE,
    durationS,
    rate,
    shop: { env, canaryWeight: weight },
    onProgress: (p) => process.stderr.write(`load: ${progressLine(p)}\n`),
  });
  const iso = (s: number) => new Date(s * 1000).toISOString().slice(0, 19).replace("T", " ");
  const cpu = cpus();
  const made =
    `Not Grafana: the dev stack's dashboard JSON, every panel's query run as Grafana sends it (namespace ${NAMESPACE}, service All) with query_range ` +
    `on Debian's Prometheus scraping the local shop each second, drawn with Chart.js. Run ${iso(run.startedAt)}–${iso(run.endedAt)} UTC: ` +
    `the load generator at ${rate} requests/s for ${durationS} s (${run.load.requests} requests, ${run.load.errors} errors, p99 ${run.load.p99Ms?.toFixed(0) ?? "?"} ms), ${settings}; ` +
    `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, load average ${loadavg()[0]!.toFixed(1)}.`;
  const rendered = await renderDashboard(run.recorded, out, made);
  if (json) writeFileSync(json, JSON.stringify({ made, load: run.load, recorded: run.recorded }, null, 1));
  const empty = rendered.drawn.filter((d) => d.points === 0).map((d) => d.title);
  process.stdout.write(`${rendered.path}: ${rendered.canvases} charts${empty.length ? `; without data: ${empty.join(", ")}` : ""}\n${made}\n`);
  return 0;
}

void main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`dashboard-picture: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
