/**
 * Where a request's CPU goes: GET /users/1 — the simplest request of the
 * shop — served by rungs that each add one layer, measured at a fixed rate
 * (the CPU time per request does not depend on how hard the machine is
 * pushed, and other work on the machine disturbs it far less than
 * throughput):
 *
 *   1. node:http (the floor's users)
 *   2. Hono on @hono/node-server, same data
 *   3. + the service's routes: the id validated with zod, JSON errors
 *   4. the users service as it runs, but LOG_LEVEL=warn (no access-log lines)
 *   5. the users service as it runs: + request id, metrics, one log line per request
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/launcher/ports";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { SERVICE_NODE_FLAGS } from "../../services/node-flags";
import { bundleServers } from "../bundle-servers";
import { load } from "../load";
import { cpuTimeMs } from "../processes";
import { median } from "../stats";

export interface Rung {
  readonly id: string;
  readonly title: string;
  readonly cpuUs: number;
}

interface RungSpec {
  readonly id: string;
  readonly title: string;
  /** The bundle directory and the name of the entry under services/. */
  readonly dist: "floor" | "ladder" | "shop";
  readonly entry: string;
  readonly env?: Record<string, string>;
  /** Logs nothing at info, so not the "listening" line either: started on a known free port instead. */
  readonly quiet?: boolean;
}

function env(spec: RungSpec, port: number): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", ...spec.env };
}

/** Starts a rung that does not announce its port: on a free one, ready once /healthz answers; node's flags as spawnService gives every rung. */
async function spawnQuiet(spec: RungSpec, distDir: string): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, join(distDir, "services", `${spec.entry}.mjs`)], { env: env(spec, port), stdio: "ignore" });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`ladder rung ${spec.id} did not come up on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { service: "users", pid: child.pid!, port, child, exited };
}

const RUNGS: readonly RungSpec[] = [
  { id: "node-http", title: "node:http, the floor's users", dist: "floor", entry: "users" },
  { id: "hono", title: "Hono on @hono/node-server, same data", dist: "ladder", entry: "hono-bare" },
  { id: "routes", title: "+ the service's routes (zod-validated id, JSON errors)", dist: "ladder", entry: "hono-routes" },
  { id: "kit-quiet", title: "+ the kit: request id, metrics, 404/405/413, health (LOG_LEVEL=warn)", dist: "shop", entry: "users", env: { LOG_LEVEL: "warn" }, quiet: true },
  { id: "kit", title: "+ one JSON access-log line per request: the users service as it runs", dist: "shop", entry: "users" },
];

function buildLadder(dir: string): Promise<void> {
  return bundleServers({ "hono-bare": join(__dirname, "hono-bare.ts"), "hono-routes": join(__dirname, "hono-routes.ts") }, dir);
}

export interface StartedLadder {
  readonly rungs: readonly { readonly spec: RungSpec; readonly url: string; readonly pid: number }[];
  stop(): Promise<void>;
}

/** Builds the two Hono rungs and starts every rung as a process (idle until measured). */
export async function startLadder(dists: { shop: string; floor: string }): Promise<StartedLadder> {
  const ladderDir = await mkdtemp(join(tmpdir(), "meshmart-ladder-"));
  const children: ServiceProcess[] = [];
  const stop = async () => {
    for (const child of children) child.child.kill("SIGTERM");
    await Promise.all(children.map((child) => child.exited));
    await rm(ladderDir, { recursive: true, force: true });
  };
  try {
    await buildLadder(ladderDir);
    const dirs = { ...dists, ladder: ladderDir };
    const rungs = [];
    for (const spec of RUNGS) {
      const child = spec.quiet ? await spawnQuiet(spec, dirs[spec.dist]) : await spawnService({ service: spec.entry as never, distDir: dirs[spec.dist], env: env(spec, 0) });
      children.push(child);
      rungs.push({ spec, url: `http://127.0.0.1:${child.port}/users/1`, pid: child.pid });
    }
    return { rungs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function measureLadder(ladder: StartedLadder, options: { rate: number; seconds: number; rounds: number }): Promise<Rung[]> {
  const measured: Rung[] = [];
  for (const { spec, url, pid } of ladder.rungs) {
    await load(url, { connections: 10, durationS: 2, rate: options.rate });
    const samples: number[] = [];
    for (let i = 0; i < options.rounds; i++) {
      const before = cpuTimeMs(pid);
      const result = await load(url, { connections: 10, durationS: options.seconds, rate: options.rate });
      if (result.failed) throw new Error(`${spec.id}: ${result.failed} requests failed`);
      samples.push(((cpuTimeMs(pid) - before) * 1000) / result.requests);
    }
    measured.push({ id: spec.id, title: spec.title, cpuUs: median(samples) });
  }
  return measured;
}
