/**
 * `npm run bench:profile -- <path> [seconds]`: runs the shop as the
 * benchmark does with every service under V8's CPU profiler (what
 * `node --cpu-prof` does, started by a preload: NODE_OPTIONS may not carry
 * --cpu-prof itself), puts load on one
 * path (orders, gateway-orders, gateway-products), stops the shop so each
 * service writes its profile, and prints where each service on the path
 * spends its CPU — by package or module, and by function. The .cpuprofile
 * files stay in the printed directory (open them in Chrome DevTools).
 */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startShop } from "../../scripts/launcher/start-shop";
import { bundle } from "../../test/support/test-dist";
import { load } from "../load";
import { pathById } from "../paths";
import { formatSummary, summarise, type CpuProfile } from "./summarise";

async function main(): Promise<void> {
  const path = pathById(process.argv[2] ?? "orders");
  const seconds = Number(process.argv[3] ?? 10);
  const dir = await mkdtemp(join(tmpdir(), "meshmart-profile-"));
  const dist = await bundle();
  const shop = await startShop({ distDir: dist, ports: "free", env: { NODE_OPTIONS: `--import ${join(__dirname, "cpu-prof.mjs")}`, MESHMART_CPU_PROF_DIR: dir } });
  let stopped = false;
  try {
    const url = `${shop.urls[path.entry]}${path.path}`;
    await load(url, { connections: 10, durationS: 2 });
    const result = await load(url, { connections: 10, durationS: seconds });
    console.log(`${path.title}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.failed} failed (under the profiler)`);
    const pids = { ...shop.pids };
    await shop.stop();
    stopped = true;
    const files = await readdir(dir);
    for (const service of path.chain) {
      const file = files.find((name) => name === `${pids[service]}.cpuprofile`);
      if (!file) {
        console.log(`${service}: no profile written`);
        continue;
      }
      const profile = JSON.parse(await readFile(join(dir, file), "utf8")) as CpuProfile;
      console.log(`\n${formatSummary(`${service} (${file})`, summarise(profile, { top: 20 }))}`);
    }
    console.log(`\nprofiles: ${dir}`);
  } finally {
    if (!stopped) await shop.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
