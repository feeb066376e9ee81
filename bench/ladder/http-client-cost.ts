/**
 * What the outbound HTTP client costs per request, in CPU: the chain
 * gateway → orders → users (GET /api/orders/1: the gateway proxies with
 * Upstream.forward(), orders calls users with getJson()), run twice side by
 * side — the bundles of a git ref (HTTP_CLIENT_BASELINE, default HEAD) and
 * of this tree, or of a second ref (HTTP_CLIENT_CANDIDATE: then nothing
 * uncommitted in the working tree, anyone's, muddies the comparison) — and
 * loaded in rotating order, round after round, at a fixed rate. With
 * HTTP_CLIENT_FROM=<ref> the baseline is the candidate's ref with only the
 * client's files (CLIENT_FILES) taken from <ref>: the two chains then
 * differ in the client alone. Each round charges every process of a chain
 * the CPU time of all its threads (the scheduler's nanoseconds) per
 * request; the medians and the spread over rounds are what to quote on a
 * machine shared with others. Before any load, it also reads each
 * process's idle memory (RSS and private), once both chains have started.
 *
 *   npx tsx bench/ladder/http-client-cost.ts                          # this tree against HEAD
 *   HTTP_CLIENT_BASELINE=abc1234 HTTP_CLIENT_ROUNDS=15 npx tsx bench/ladder/http-client-cost.ts
 *   HTTP_CLIENT_CANDIDATE=HEAD HTTP_CLIENT_FROM=c23875d~1 npx tsx bench/ladder/http-client-cost.ts   # the client of c23875d~1 swapped into HEAD
 *
 * Used to decide the undici swap (docs/benchmarks.md, "The HTTP client swap").
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { startTestRedis, type TestRedis } from "../../test/support/test-redis";
import { bundle } from "../../test/support/test-dist";
import { SERVICES, upstreamUrlEnv, type ServiceName } from "../../services/topology";
import { load } from "../load";
import { cpuTimeNs, memoryOf } from "../processes";
import { median } from "../stats";
import { wholeNumberFromEnv } from "../whole-number";

const ROOT = join(__dirname, "..", "..");
/** The chain's processes, the entry first. */
export const CHAIN = ["gateway", "orders", "users"] as const;
export const CHAIN_PATH = "/api/orders/1";
export const VARIANTS = ["baseline", "tree"] as const;
export type Variant = (typeof VARIANTS)[number];
type ChainProcess = (typeof CHAIN)[number];

/** CPU µs per request of each process of one chain, in one round. */
export type ChainUs = Readonly<Record<ChainProcess, number>>;

export interface Chain {
  readonly variant: Variant;
  readonly url: string;
  readonly pids: Readonly<Record<ChainProcess, number>>;
}

/** The files of the outbound HTTP client: all that HTTP_CLIENT_FROM swaps. */
export const CLIENT_FILES = ["services/kit/http-client.ts", "services/kit/http-transport.ts"] as const;

/** What the build script of the ref says to esbuild, so a try can add `minify` to exactly that. */
const BUILD_OPTION_ANCHOR = "bundle: true,";

/**
 * Builds the bundles of git ref `ref` (its tree, this checkout's
 * node_modules) into a temporary directory; with `clientFrom`, the
 * client's files are those of that ref; with `minify`, esbuild minifies
 * them (the ref's scripts/build.mjs with `minify: true` added).
 */
export function bundleOfRef(ref: string, clientFrom?: string, options: { readonly minify?: boolean } = {}): { dist: string; remove(): void } {
  const tree = mkdtempSync(join(tmpdir(), "meshmart-client-baseline-"));
  execFileSync("sh", ["-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "sh", ROOT, ref, tree]);
  if (clientFrom !== undefined) execFileSync("sh", ["-c", `git -C "$1" archive "$2" "$4" "$5" | tar -x -C "$3"`, "sh", ROOT, clientFrom, tree, ...CLIENT_FILES]);
  if (options.minify) {
    const script = join(tree, "scripts", "build.mjs");
    const text = readFileSync(script, "utf8");
    if (!text.includes(BUILD_OPTION_ANCHOR)) throw new Error(`${ref}'s scripts/build.mjs has no "${BUILD_OPTION_ANCHOR}" to add minify to`);
    writeFileSync(script, text.replace(BUILD_OPTION_ANCHOR, `${BUILD_OPTION_ANCHOR} minify: true,`));
  }
  symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
  const dist = join(tree, "dist-bench");
  const remove = () => rmSync(tree, { recursive: true, force: true });
  try {
    execFileSync(process.execPath, [join(tree, "scripts", "build.mjs")], { cwd: tree, env: { ...process.env, MESHMART_DIST_DIR: dist }, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    remove();
    const output = String((err as { stderr?: Buffer }).stderr ?? "");
    const first = output.split("\n").find((line) => line.includes("ERROR")) ?? output.trim().split("\n")[0];
    throw new Error(`the bundles of ${ref} do not build: ${first}`);
  }
  return { dist, remove };
}

/** users, orders (its Redis) and the gateway of one bundle, the gateway's other upstreams unused. */
async function startChain(variant: Variant, dist: string, redis: TestRedis, children: ServiceProcess[]): Promise<Chain> {
  const base = { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0" };
  const spawn = async (service: ServiceName, env: Record<string, string>) => {
    const child = await spawnService({ service, distDir: dist, env: { ...base, ...env } });
    children.push(child);
    return child;
  };
  const users = await spawn("users", {});
  const orders = await spawn("orders", { REDIS_URL: redis.url, [upstreamUrlEnv("users")]: `http://127.0.0.1:${users.port}` });
  const gatewayEnv: Record<string, string> = {};
  // nothing listens on port 9 (discard): the chain's request never calls the gateway's other upstreams
  for (const upstream of SERVICES.gateway.calls) gatewayEnv[upstreamUrlEnv(upstream)] = "http://127.0.0.1:9";
  gatewayEnv[upstreamUrlEnv("orders")] = `http://127.0.0.1:${orders.port}`;
  const gateway = await spawn("gateway", gatewayEnv);
  return { variant, url: `http://127.0.0.1:${gateway.port}${CHAIN_PATH}`, pids: { gateway: gateway.pid, orders: orders.pid, users: users.pid } };
}

async function cpuPerRequest(chain: Chain, rate: number, seconds: number): Promise<ChainUs> {
  const before = CHAIN.map((name) => cpuTimeNs(chain.pids[name]));
  const result = await load(chain.url, { connections: 10, durationS: seconds, rate });
  if (result.failed) throw new Error(`${chain.variant} ${chain.url}: ${result.failed} requests failed`);
  const after = CHAIN.map((name) => cpuTimeNs(chain.pids[name]));
  return Object.fromEntries(CHAIN.map((name, i) => [name, (after[i]! - before[i]!) / 1000 / result.requests])) as Record<ChainProcess, number>;
}

export interface ClientCost {
  readonly rounds: readonly Readonly<Record<Variant, ChainUs>>[];
  /** Per variant and process, and the whole chain: median, min and max over rounds. */
  readonly summary: Readonly<Record<Variant, Readonly<Record<ChainProcess | "chain", { median: number; min: number; max: number }>>>>;
  /** tree − baseline per round, for the chain and the two callers: median, min, max. */
  readonly added: Readonly<Record<"chain" | "gateway" | "orders", { median: number; min: number; max: number }>>;
}

const spread = (values: number[]) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });
const chainTotal = (us: ChainUs) => us.gateway + us.orders + us.users;

export function summarise(rounds: readonly Readonly<Record<Variant, ChainUs>>[]): ClientCost {
  const summary = Object.fromEntries(
    VARIANTS.map((variant) => [
      variant,
      { ...Object.fromEntries(CHAIN.map((name) => [name, spread(rounds.map((r) => r[variant][name]))])), chain: spread(rounds.map((r) => chainTotal(r[variant]))) },
    ]),
  ) as ClientCost["summary"];
  const added = {
    chain: spread(rounds.map((r) => chainTotal(r.tree) - chainTotal(r.baseline))),
    gateway: spread(rounds.map((r) => r.tree.gateway - r.baseline.gateway)),
    orders: spread(rounds.map((r) => r.tree.orders - r.baseline.orders)),
  };
  return { rounds, summary, added };
}

export async function measureClientCost(
  chains: readonly Chain[],
  options: { rate: number; seconds: number; rounds: number; warmupS?: number },
  progress: (line: string) => void = () => undefined,
): Promise<ClientCost> {
  for (const chain of chains) await load(chain.url, { connections: 10, durationS: options.warmupS ?? 3, rate: options.rate });
  const rounds: Record<Variant, ChainUs>[] = [];
  for (let i = 0; i < options.rounds; i++) {
    const measured = {} as Record<Variant, ChainUs>;
    // alternate the order, so a drift of the machine favours neither
    for (const chain of i % 2 === 0 ? chains : [...chains].reverse()) measured[chain.variant] = await cpuPerRequest(chain, options.rate, options.seconds);
    rounds.push(measured);
    const line = (us: ChainUs) => `${chainTotal(us).toFixed(1)} µs (gateway ${us.gateway.toFixed(1)}, orders ${us.orders.toFixed(1)}, users ${us.users.toFixed(1)})`;
    progress(`round ${i + 1}/${options.rounds}: baseline ${line(measured.baseline)}; tree ${line(measured.tree)}`);
  }
  return summarise(rounds);
}

export interface StartedClientBench {
  /** The baseline's chain, then this tree's. */
  readonly chains: readonly Chain[];
  stop(): Promise<void>;
}

/**
 * Both chains (the bundles of `ref` and of `candidate`, or of this tree)
 * and their Redis, idle until measured; with `clientFrom`, the baseline is
 * `ref` with the client's files of `clientFrom`.
 */
export async function startClientBench(ref: string, candidate?: string, clientFrom?: string): Promise<StartedClientBench> {
  const baseline = bundleOfRef(ref, clientFrom);
  let built: ReturnType<typeof bundleOfRef> | undefined;
  try {
    built = candidate === undefined ? undefined : bundleOfRef(candidate);
  } catch (err) {
    baseline.remove();
    throw err;
  }
  const redis = await startTestRedis();
  const children: ServiceProcess[] = [];
  const stop = async () => {
    for (const child of children) child.child.kill("SIGTERM");
    await Promise.all(children.map((child) => child.exited));
    await redis.close();
    baseline.remove();
    built?.remove();
  };
  try {
    const tree = built?.dist ?? (await bundle());
    return { chains: [await startChain("baseline", baseline.dist, redis, children), await startChain("tree", tree, redis, children)], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const options = {
    rounds: wholeNumberFromEnv(process.env, "HTTP_CLIENT_ROUNDS", 9),
    seconds: wholeNumberFromEnv(process.env, "HTTP_CLIENT_SECONDS", 5),
    rate: wholeNumberFromEnv(process.env, "HTTP_CLIENT_RATE", 1_000),
  };
  const candidate = process.env.HTTP_CLIENT_CANDIDATE;
  const clientFrom = process.env.HTTP_CLIENT_FROM;
  if (clientFrom !== undefined && candidate === undefined) throw new Error("HTTP_CLIENT_FROM swaps the client into HTTP_CLIENT_CANDIDATE's ref: set that too");
  const bench = clientFrom === undefined ? await startClientBench(process.env.HTTP_CLIENT_BASELINE ?? "HEAD", candidate) : await startClientBench(candidate!, candidate, clientFrom);
  const ref = clientFrom === undefined ? (process.env.HTTP_CLIENT_BASELINE ?? "HEAD") : `${candidate} with the client of ${clientFrom}`;
  const named = candidate ?? "this tree";
  try {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idle = bench.chains.map((chain) => ({ variant: chain.variant, memory: Object.fromEntries(CHAIN.map((name) => [name, memoryOf(chain.pids[name])])) }));
    for (const { variant, memory } of idle) {
      const line = CHAIN.map((name) => `${name} ${memory[name]!.rssMiB.toFixed(1)} MiB RSS, ${memory[name]!.privateMiB.toFixed(1)} private`).join("; ");
      process.stdout.write(`http-client-cost: idle, ${variant === "tree" ? named : ref}: ${line}\n`);
    }
    const cost = await measureClientCost(bench.chains, options, (line) => process.stdout.write(`http-client-cost: ${line}\n`));
    const f = (s: { median: number; min: number; max: number }) => `${s.median.toFixed(1)} µs (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
    for (const variant of VARIANTS) {
      const s = cost.summary[variant];
      process.stdout.write(`http-client-cost: ${variant === "tree" ? named : ref}: chain ${f(s.chain)}; gateway ${f(s.gateway)}, orders ${f(s.orders)}, users ${f(s.users)}\n`);
    }
    process.stdout.write(
      `http-client-cost: Node ${process.version}, ${options.rounds} rounds of ${options.seconds} s at ${options.rate} req/s: ${named} − ${ref}: chain ${f(cost.added.chain)}, gateway ${f(cost.added.gateway)}, orders ${f(cost.added.orders)}\n`,
    );
    process.stdout.write(`${JSON.stringify({ node: process.version, baseline: ref, candidate: named, options, ...cost })}\n`);
  } finally {
    await bench.stop();
  }
}

if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`http-client-cost: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
