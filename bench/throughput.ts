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
  /** The Express and Fastify peers (bench/peers/), on the paths they build. */
  readonly peers?: Readonly<Record<string, Summary>>;
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
  peers: Readonly<Record<string, Target>> = {},
): Promise<PathResult> {
  const warmup = { connections: options.connections, durationS: options.warmupS };
  const targets: Record<string, Target> = { ours, floor, ...peers };
  for (const target of Object.values(targets)) await load(target.url, warmup);
  const rounds: Record<string, Round[]> = Object.fromEntries(Object.keys(targets).map((who) => [who, []]));
  for (let i = 0; i < options.rounds; i++) {
    // every round in another order, so a drift in the machine's other load hits all alike
    const names = Object.keys(targets);
    const order = names.map((_, k) => names[(k + i) % names.length]!);
    for (const who of order) {
      const result = await round(targets[who]!, options);
      rounds[who]!.push(result);
      progress(`${path.id} round ${i + 1}/${options.rounds} ${who.padEnd(7)} ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99Ms} ms${result.failed ? `, ${result.failed} failed` : ""}`);
    }
  }
  const peerSummaries = Object.fromEntries(Object.keys(peers).map((name) => [name, summarise(rounds[name]!)]));
  return { path, ours: summarise(rounds.ours!), floor: summarise(rounds.floor!), ...(Object.keys(peers).length ? { peers: peerSummaries } : {}), rounds: { ours: rounds.ours!, floor: rounds.floor! } };
}
