/**
 * `npm run bench`: the shop's speed, start-up, memory and resilience, with
 * numbers, the same way each time (docs/benchmarks.md):
 *
 *   1. builds the bundles into a private directory (as `npm start` builds
 *      dist/) and the floor (bench/floor/), starts a redis-server;
 *   2. cold start of every service: spawn → first 200 from /readyz;
 *   3. starts the shop with startShop() — what `npm start` runs — and the
 *      floor, on free loopback ports, servers on one core and the load
 *      generator on the other;
 *   4. throughput and p50/p99 of each path, ours against the floor and,
 *      on the two chains they build, the Express and Fastify peers
 *      (bench/peers/), in the same rounds;
 *   5. where a request's CPU goes (bench/ladder/);
 *   6. every service warmed, then idle until the GC settles (150 s): resident,
 *      proportional (PSS) and private memory;
 *   7. the resilience suite (npm run test:resilience) for its figures;
 *   8. writes bench/RESULTS.md (with bench/footprint.md, the stacks' cluster
 *      footprint from `npm run bench:footprint`) and prints a summary.
 *
 * Everything talks to 127.0.0.1 only, and every step is bounded in time.
 * BENCH_QUICK=1 runs a short smoke version; BENCH_RESILIENCE=0 skips step 7.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedisServer } from "../scripts/launcher/redis-server";
import { processesOf } from "../scripts/launcher/launcher-processes";
import { startShop, type Shop } from "../scripts/launcher/start-shop";
import { SERVICE_NAMES } from "../services/topology";
import { bundle } from "../test/support/test-dist";
import type { ResilienceFigures } from "../test/resilience/support/figures";
import { coldStart, type ColdStart } from "./cold-start";
import { buildFloor, startFloor, type Floor } from "./floor/start-floor";
import { buildPeers, PEER_ROLES, PEERS, startPeer, type Peer, type PeerRole } from "./peers/start-peers";
import { measureLadder, startLadder, type Rung } from "./ladder/ladder";
import { currentLoad, describeMachine } from "./machine";
import { idleMemory, warmEveryService, warmupRequest, type WarmupRequest } from "./memory";
import { PATHS } from "./paths";
import { canPin, pinSelf, unpinSelf } from "./processes";
import { GOALS, imageTable, renderResults, type BenchReport, type BenchSettings } from "./results";
import { measurePath, type PathResult } from "./throughput";
import { wholeNumberFromEnv } from "./whole-number";

const ROOT = join(__dirname, "..");
const RESULTS = join(__dirname, "RESULTS.md");

function log(line: string): void {
  process.stdout.write(`bench: ${line}\n`);
}

function settingsFromEnv(env: NodeJS.ProcessEnv): BenchSettings & { idleS: number; ladderSeconds: number; ladderRounds: number; resilience: boolean } {
  const quick = env.BENCH_QUICK === "1";
  const int = (name: string, fallback: number, min: number, max: number) => wholeNumberFromEnv(env, name, fallback, min, max);
  return {
    rounds: int("BENCH_ROUNDS", quick ? 1 : 5, 1, 50),
    seconds: int("BENCH_SECONDS", quick ? 2 : 5, 1, 120),
    warmupS: int("BENCH_WARMUP_SECONDS", quick ? 1 : 3, 1, 60),
    connections: int("BENCH_CONNECTIONS", 10, 1, 500),
    coldRuns: int("BENCH_COLD_RUNS", quick ? 2 : 5, 1, 50),
    ladderRate: int("BENCH_LADDER_RATE", 2_000, 50, 20_000),
    idleS: int("BENCH_IDLE_SECONDS", quick ? 5 : 150, 0, 600),
    ladderSeconds: quick ? 2 : 4,
    ladderRounds: quick ? 1 : 3,
    pinned: env.BENCH_PIN === "1" && canPin(),
    resilience: env.BENCH_RESILIENCE !== "0",
  };
}

/**
 * A few seconds of each process's own traffic (bench/memory.ts; payment's
 * two versions each replay one idempotent charge), so none is measured idle
 * without having served.
 */
function warmupRequests(shop: Shop): WarmupRequest[] {
  return SERVICE_NAMES.flatMap((service) => processesOf(service).map(({ process }) => warmupRequest(service, shop.urls[process])));
}

/** Runs the resilience suite as `npm run test:resilience` does, asking it for its figures. */
async function resilienceFigures(): Promise<ResilienceFigures | { error: string }> {
  const dir = await mkdtemp(join(tmpdir(), "meshmart-resilience-"));
  const file = join(dir, "figures.json");
  try {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, "node_modules", "mocha", "bin", "mocha.js")], {
        cwd: ROOT,
        env: { ...process.env, MOCHA_SPEC: "test/resilience/**/*.test.ts", RESILIENCE_FIGURES: file },
        stdio: ["ignore", "inherit", "inherit"],
      });
      child.on("exit", resolve);
    });
    if (code !== 0) return { error: `the suite failed (exit ${code}); see its output above` };
    return JSON.parse(await readFile(file, "utf8")) as ResilienceFigures;
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function summary(report: BenchReport): string {
  const lines = ["", `meshmart benchmark (${report.machine.cpuModel}, ${report.machine.cores} cores, Node ${report.machine.node})`];
  for (const { path, ours, floor } of report.paths) {
    lines.push(
      `  ${path.id.padEnd(17)} ours ${ours.requestsPerSecond.toFixed(0).padStart(5)} req/s p99 ${String(ours.p99Ms).padStart(3)} ms | floor ${floor.requestsPerSecond.toFixed(0).padStart(5)} req/s p99 ${String(floor.p99Ms).padStart(3)} ms | ${(ours.requestsPerSecond / floor.requestsPerSecond).toFixed(2)}× (goal ≥ ${GOALS.throughputRatio}), p99 ${(ours.p99Ms / floor.p99Ms).toFixed(2)}× (goal ≤ ${GOALS.p99Ratio})`,
    );
  }
  lines.push(`  cold start ms     ${report.coldStarts.map((c) => `${c.service} ${c.medianMs.toFixed(0)}`).join(", ")} (goal ≤ ${GOALS.coldStartMs})`);
  lines.push(`  idle RSS MiB      ${Object.entries(report.memory.idle).map(([name, m]) => `${name} ${m.rssMiB.toFixed(1)}`).join(", ")} (goal ≤ ${GOALS.idleRssMiB})`);
  lines.push(`  idle PSS/private  ${Object.entries(report.memory.idle).map(([name, m]) => `${name} ${m.pssMiB.toFixed(1)}/${m.privateMiB.toFixed(1)}`).join(", ")} MiB`);
  if ("error" in report.resilience) lines.push(`  resilience        ${report.resilience.error}`);
  else {
    const r = report.resilience;
    lines.push(
      `  resilience        ${r.scenarios.length} faults survived, ${r.scenarios.reduce((s, x) => s + x.requests, 0)} requests held, lost ${r.scenarios.reduce((s, x) => s + x.lost, 0)}${r.hostile ? `; ${r.hostile.inputs} hostile inputs × ${r.hostile.routes} routes, ${r.hostile.outcomes["500"] ?? 0} 5xx` : ""}`,
    );
  }
  lines.push(`  written to bench/RESULTS.md`, "");
  return lines.join("\n");
}

async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env);
  const machine = describeMachine();
  const date = new Date().toISOString();
  log(`building the bundles and the floor (${settings.pinned ? "servers on core 0, load on core 1" : "cores shared"})`);
  const floorDir = await mkdtemp(join(tmpdir(), "meshmart-floor-"));
  const peersDir = await mkdtemp(join(tmpdir(), "meshmart-peers-"));
  const [dist] = await Promise.all([bundle(), buildFloor(floorDir), buildPeers(peersDir)]);
  if (settings.pinned) pinSelf(0, "main"); // what is spawned from here on runs on core 0
  const redis = await startRedisServer({ host: "127.0.0.1", detached: true });
  let shop: Shop | undefined;
  let floor: Floor | undefined;
  const peers: Peer[] = [];
  let ladder: Awaited<ReturnType<typeof startLadder>> | undefined;
  try {
    const coldStarts: ColdStart[] = [];
    for (const service of SERVICE_NAMES) {
      coldStarts.push(await coldStart(service, dist, redis.url, settings.coldRuns));
      log(`cold start ${service}: ${coldStarts.at(-1)!.medianMs.toFixed(0)} ms`);
    }
    shop = await startShop({ distDir: dist, ports: "free", redisUrl: redis.url });
    floor = await startFloor(floorDir, redis.url);
    for (const name of PEERS) peers.push(await startPeer(peersDir, name, redis.url));
    ladder = await startLadder({ shop: dist, floor: floorDir });
    if (settings.pinned) pinSelf(1, "all");

    const isRole = (name: string): name is PeerRole => (PEER_ROLES as readonly string[]).includes(name);
    /** The peers build the two chains (orders → users, gateway → orders → users), not the gateway's other routes. */
    const peerTargets = (path: (typeof PATHS)[number]) =>
      path.id === "gateway-products" || !isRole(path.entry) || !path.chain.every(isRole)
        ? {}
        : Object.fromEntries(
            peers.map((peer) => [
              peer.name,
              { url: `${peer.urls[path.entry as PeerRole]}${path.path}`, pids: Object.fromEntries(path.chain.map((name) => [name, peer.pids[name as PeerRole]])) },
            ]),
          );
    const paths: PathResult[] = [];
    for (const path of PATHS) {
      const chainPids = (pids: Readonly<Record<string, number>>) => Object.fromEntries(path.chain.map((name) => [name, pids[name]!]));
      paths.push(
        await measurePath(
          path,
          { url: `${shop.urls[path.entry]}${path.path}`, pids: chainPids(shop.pids) },
          { url: `${floor.urls[path.entry]}${path.path}`, pids: chainPids(floor.pids) },
          { ...settings, durationS: settings.seconds },
          log,
          peerTargets(path),
        ),
      );
    }

    log("where a request's CPU goes (ladder)");
    const rungs: Rung[] = await measureLadder(ladder, { rate: settings.ladderRate, seconds: settings.ladderSeconds, rounds: settings.ladderRounds });
    await ladder.stop();
    ladder = undefined;

    log(`warming every service, then ${settings.idleS} s idle for the memory figures`);
    await warmEveryService(warmupRequests(shop), settings.seconds > 2 ? 3 : 1);
    const [memory, floorMemory] = await Promise.all([idleMemory(shop.pids, settings.idleS), idleMemory(floor.pids, settings.idleS)]);

    await floor.stop();
    floor = undefined;
    for (const peer of peers.splice(0)) await peer.stop();
    await shop.stop();
    shop = undefined;
    if (settings.pinned) unpinSelf();

    let resilience: BenchReport["resilience"] = { error: "skipped (BENCH_RESILIENCE=0)" };
    if (settings.resilience) {
      log("running the resilience suite for its figures");
      resilience = await resilienceFigures();
    }
    machine.loadAfter = currentLoad();
    const images = await readFile(join(__dirname, "images.md"), "utf8").then(imageTable, () => undefined);
    const keptLibraries = await readFile(join(__dirname, "kept-libraries.md"), "utf8").then(
      (text) => text.slice(text.indexOf("\n## ") + 1).replace(/^## /gm, "### "),
      () => undefined,
    );
    const footprint = await readFile(join(__dirname, "footprint.md"), "utf8").catch(() => undefined);
    const report: BenchReport = {
      date,
      machine,
      settings,
      paths,
      coldStarts,
      memory,
      floorMemory,
      ladder: rungs,
      resilience,
      ...(images ? { images } : {}),
      ...(keptLibraries ? { keptLibraries } : {}),
      ...(footprint ? { footprint } : {}),
    };
    await writeFile(RESULTS, renderResults(report));
    process.stdout.write(summary(report));
    if ("error" in resilience && settings.resilience) process.exitCode = 1;
  } finally {
    await ladder?.stop();
    await floor?.stop();
    for (const peer of peers) await peer.stop();
    await shop?.stop();
    await redis.stop();
    await rm(floorDir, { recursive: true, force: true });
    await rm(peersDir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
