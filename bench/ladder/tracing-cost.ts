/**
 * What tracing costs per request, in the CPU time of the process serving it,
 * at a fixed rate, for two requests of the shop as it runs (the bundles):
 *
 *   users  GET /users/1    one server span
 *   orders GET /orders/1   a server span, a client span (its call to users)
 *                          and a span per Redis command (HGET)
 *
 * each in three variants, one process each, measured in turn round after
 * round (the order rotating), the median over rounds quoted:
 *
 *   off        no OTLP endpoint: the OpenTelemetry SDK is not even loaded
 *   unsampled  an endpoint, OTEL_TRACES_SAMPLER=always_off: spans made, none recorded
 *   sampled    an endpoint, always_on: every span recorded and exported (OTLP/HTTP
 *              JSON to a receiver in this process, so the export's CPU is the service's)
 *
 *   npx tsx bench/ladder/tracing-cost.ts             # 5 rounds of 4 s at 1000 req/s
 *   TRACING_ROUNDS=9 TRACING_SECONDS=5 TRACING_RATE=2000 npx tsx bench/ladder/tracing-cost.ts
 *
 * CPU time is /proc/<pid>/stat's (10 ms ticks): over 4 000 requests a
 * round, 2.5 µs a request.
 */
import { bundle } from "../../test/support/test-dist";
import { startOtlpReceiver, type OtlpReceiver } from "../../test/support/otlp-receiver";
import { startTestRedis, type TestRedis } from "../../test/support/test-redis";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { load } from "../load";
import { cpuTimeMs } from "../processes";
import { median } from "../stats";
import { wholeNumberFromEnv } from "../whole-number";

export const VARIANTS = ["off", "unsampled", "sampled"] as const;
export type Variant = (typeof VARIANTS)[number];

export const TRACED_REQUESTS = {
  users: { service: "users", path: "/users/1" },
  orders: { service: "orders", path: "/orders/1" },
} as const;
export type TracedRequest = keyof typeof TRACED_REQUESTS;

export interface TracingTarget {
  readonly request: TracedRequest;
  readonly variant: Variant;
  readonly url: string;
  readonly pid: number;
}

export interface StartedTracingBench {
  readonly targets: readonly TracingTarget[];
  readonly receiver: OtlpReceiver;
  stop(): Promise<void>;
}

function variantEnv(variant: Variant, receiver: OtlpReceiver): Record<string, string> {
  if (variant === "off") return {};
  return { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: variant === "sampled" ? "always_on" : "always_off" };
}

/** A users process (untraced) for orders to call, and both requests' services in every variant, idle until measured. */
export async function startTracingBench(dist: string, redis: TestRedis): Promise<StartedTracingBench> {
  const receiver = await startOtlpReceiver();
  const children: ServiceProcess[] = [];
  const stop = async () => {
    for (const child of children) child.child.kill("SIGTERM");
    await Promise.all(children.map((child) => child.exited));
    await receiver.close();
  };
  try {
    // at the default log level, as they run: with tracing on, each access-log line carries trace_id and span_id too
    const base = { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0" };
    const spawn = async (service: "users" | "orders", env: Record<string, string>) => {
      const child = await spawnService({ service, distDir: dist, env: { ...base, ...env } });
      children.push(child);
      return child;
    };
    const upstream = await spawn("users", {});
    const targets: TracingTarget[] = [];
    for (const variant of VARIANTS) {
      const users = await spawn("users", variantEnv(variant, receiver));
      targets.push({ request: "users", variant, url: `http://127.0.0.1:${users.port}${TRACED_REQUESTS.users.path}`, pid: users.pid });
      const orders = await spawn("orders", { ...variantEnv(variant, receiver), REDIS_URL: redis.url, USERS_URL: `http://127.0.0.1:${upstream.port}` });
      targets.push({ request: "orders", variant, url: `http://127.0.0.1:${orders.port}${TRACED_REQUESTS.orders.path}`, pid: orders.pid });
    }
    return { targets, receiver, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface TracingCostRow {
  readonly request: TracedRequest;
  /** Median CPU µs per request of each variant. */
  readonly us: Readonly<Record<Variant, number>>;
  /** Added over "off", median of the per-round differences. */
  readonly unsampledAddedUs: number;
  readonly sampledAddedUs: number;
}

async function cpuPerRequestUs(target: TracingTarget, rate: number, seconds: number): Promise<number> {
  const before = cpuTimeMs(target.pid);
  const result = await load(target.url, { connections: 10, durationS: seconds, rate });
  if (result.failed) throw new Error(`${target.request} (${target.variant}): ${result.failed} requests failed`);
  return ((cpuTimeMs(target.pid) - before) * 1000) / result.requests;
}

export async function measureTracingCost(
  bench: StartedTracingBench,
  options: { rate: number; seconds: number; rounds: number; warmupS?: number },
  progress: (line: string) => void = () => undefined,
): Promise<TracingCostRow[]> {
  for (const target of bench.targets) await load(target.url, { connections: 10, durationS: options.warmupS ?? 2, rate: options.rate });
  const rows: TracingCostRow[] = [];
  for (const request of Object.keys(TRACED_REQUESTS) as TracedRequest[]) {
    const targets = VARIANTS.map((variant) => bench.targets.find((t) => t.request === request && t.variant === variant)!);
    const rounds: Record<Variant, number>[] = [];
    for (let i = 0; i < options.rounds; i++) {
      const measured = {} as Record<Variant, number>;
      // rotate the order, so a drift of the machine does not favour one variant
      for (let j = 0; j < targets.length; j++) {
        const target = targets[(i + j) % targets.length]!;
        measured[target.variant] = await cpuPerRequestUs(target, options.rate, options.seconds);
      }
      rounds.push(measured);
      progress(`${request} round ${i + 1}/${options.rounds}: ${VARIANTS.map((v) => `${v} ${measured[v].toFixed(1)} µs`).join(", ")}`);
    }
    rows.push({
      request,
      us: Object.fromEntries(VARIANTS.map((v) => [v, median(rounds.map((r) => r[v]))])) as Record<Variant, number>,
      unsampledAddedUs: median(rounds.map((r) => r.unsampled - r.off)),
      sampledAddedUs: median(rounds.map((r) => r.sampled - r.off)),
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const options = {
    rounds: wholeNumberFromEnv(process.env, "TRACING_ROUNDS", 5),
    seconds: wholeNumberFromEnv(process.env, "TRACING_SECONDS", 4),
    rate: wholeNumberFromEnv(process.env, "TRACING_RATE", 1_000),
  };
  const redis = await startTestRedis();
  let bench: StartedTracingBench | undefined;
  try {
    bench = await startTracingBench(await bundle(), redis);
    const rows = await measureTracingCost(bench, options, (line) => process.stdout.write(`tracing-cost: ${line}\n`));
    for (const row of rows) {
      const { path } = TRACED_REQUESTS[row.request];
      process.stdout.write(
        `tracing-cost: ${row.request} GET ${path}: off ${row.us.off.toFixed(1)} µs, unsampled ${row.us.unsampled.toFixed(1)} µs (+${row.unsampledAddedUs.toFixed(1)}), sampled and exported ${row.us.sampled.toFixed(1)} µs (+${row.sampledAddedUs.toFixed(1)})\n`,
      );
    }
    process.stdout.write(`${JSON.stringify({ node: process.version, options, rows, spansExported: bench.receiver.spans.length })}\n`);
  } finally {
    await bench?.stop();
    await redis.close();
  }
}

if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`tracing-cost: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
