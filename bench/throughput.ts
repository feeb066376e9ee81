/**
 * Throughput and latency of one path on the shop and on the floor: a
 * warm-up of each, then rounds that alternate which goes first (so a drift
 * in the machine's other load hits both alike), each round also charging
 * every process of the chain its CPU time per request. Medians over rounds.
 */
import { load, type LoadOptions, type LoadResult } from "./load";
import type { BenchPath } from "./paths";
import { cpuTimeMs } from "./processes";
import { median } from "./stats";

export interface Target {
  readonly url: string;
  /** The processes the request passes through, by service name. */
  readonly pids: Readonly<Record<string, number>>;
}

export interface Round extends LoadResult {
  /** CPU time per request of each process on the path, in microseconds. */
  readonly cpuUs: Readonly<Record<string, number>>;
}

export interface Summary {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUs: Readonly<Record<string, number>>;
  readonly cpuUsTotal: number;
  /** Over every round. */
  readonly requests: number;
  readonly failed: number;
}

export interface PathResult {
  readonly path: BenchPath;
  readonly ours: Summary;
  readonly floor: Summary;
  readonly rounds: { readonly ours: readonly Round[]; readonly floor: readonly Round[] };
}

export interface ThroughputOptions extends LoadOptions {
  readonly rounds: number;
  readonly warmupS: number;
}

async function round(target: Target, options: LoadOptions): Promise<Round> {
  const before = Object.fromEntries(Object.entries(target.pids).map(([name, pid]) => [name, cpuTimeMs(pid)]));
  const result = await load(target.url, options);
  const cpuUs = Object.fromEntries(
    Object.entries(target.pids).map(([name, pid]) => [name, result.requests ? ((cpuTimeMs(pid) - before[name]!) * 1000) / result.requests : Number.NaN]),
  );
  return { ...result, cpuUs };
}

export function summarise(rounds: readonly Round[]): Summary {
  const names = Object.keys(rounds[0]?.cpuUs ?? {});
  const cpuUs = Object.fromEntries(names.map((name) => [name, median(rounds.map((r) => r.cpuUs[name]!))]));
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuUs,
    cpuUsTotal: median(rounds.map((r) => Object.values(r.cpuUs).reduce((sum, us) => sum + us, 0))),
    requests: rounds.reduce((sum, r) => sum + r.requests, 0),
    failed: rounds.reduce((sum, r) => sum + r.failed, 0),
  };
}

export async function measurePath(
  path: BenchPath,
  ours: Target,
  floor: Target,
  options: ThroughputOptions,
  progress: (line: string) => void = () => undefined,
): Promise<PathResult> {
  const warmup = { connections: options.connections, durationS: options.warmupS };
  await load(ours.url, warmup);
  await load(floor.url, warmup);
  const rounds = { ours: [] as Round[], floor: [] as Round[] };
  for (let i = 0; i < options.rounds; i++) {
    const order = i % 2 === 0 ? (["ours", "floor"] as const) : (["floor", "ours"] as const);
    for (const who of order) {
      const result = await round(who === "ours" ? ours : floor, options);
      rounds[who].push(result);
      progress(`${path.id} round ${i + 1}/${options.rounds} ${who.padEnd(5)} ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms} ms${result.failed ? `, ${result.failed} failed` : ""}`);
    }
  }
  return { path, ours: summarise(rounds.ours), floor: summarise(rounds.floor), rounds };
}
