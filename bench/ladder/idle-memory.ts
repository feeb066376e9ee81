/**
 * What a try at a lower idle memory buys, and what it costs per request:
 * each try (a V8 flag, a differently built bundle) runs the services under
 * test (IDLE_SERVICES, default the heaviest: payment, orders, gateway) side
 * by side with the baseline (the first try), every round in fresh
 * processes, and each process gets what `npm run bench` gives it: a few
 * seconds of its own traffic as fast as it goes (bench/memory.ts), then the
 * same idle period (IDLE_SECONDS), then its private memory is read
 * (Private_Clean + Private_Dirty of /proc/<pid>/smaps_rollup) with V8's own
 * heap figures (a preload, heap-probe.mjs, answers SIGUSR2) and what glibc's
 * malloc arenas hold. Then each is loaded at a fixed rate, in turn, for
 * IDLE_CPU_PASSES passes (the order reversed every other pass), and charged
 * its threads' CPU per request (the scheduler's nanoseconds; the median of its
 * passes), with the collectors' pauses per request that the preload counts
 * (perf_hooks' "gc" entries) — the price of a try that makes the garbage
 * collector run more often, and a figure the machine's other load disturbs
 * less than the CPU. The tries' order rotates from round to round,
 * so a drift of the shared machine favours none; the upstreams the services
 * call (users, catalog, notifications…) and Redis are shared by all tries.
 *
 *   npx tsx bench/ladder/idle-memory.ts                                   # semi-spaces 1, 2, 4 MiB against V8's default
 *   IDLE_TRIES=default,minified,minified-maps IDLE_SERVICES=gateway npx tsx bench/ladder/idle-memory.ts
 *   IDLE_REF=abc1234 IDLE_ROUNDS=5 IDLE_SECONDS=150 npx tsx bench/ladder/idle-memory.ts
 *
 * Bundles come from git (IDLE_REF, default HEAD), so nobody's uncommitted
 * work is in them. Used for docs/benchmarks.md, "Idle memory: what was tried".
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { SERVICES, upstreamUrlEnv, type ServiceName } from "../../services/topology";
import { startTestRedis, type TestRedis } from "../../test/support/test-redis";
import { load } from "../load";
import { idleMemory, warmEveryService, warmupRequest } from "../memory";
import { cpuTimeNs } from "../processes";
import { median } from "../stats";
import { wholeNumberFromEnv } from "../whole-number";
import { bundleOfRef } from "./http-client-cost";

/** How a try differs from plain `node dist/services/<name>.mjs` of the ref's bundle. */
export interface Try {
  readonly title: string;
  /** Node's and V8's flags, on node's command line before the entry. */
  readonly flags: readonly string[];
  /** The bundle as scripts/build.mjs makes it, or minified by esbuild (with its source maps beside it). */
  readonly bundle: "plain" | "minified";
  /** More environment (glibc's malloc tunables). */
  readonly env?: Readonly<Record<string, string>>;
}

export const TRIES: Readonly<Record<string, Try>> = {
  default: { title: "V8's defaults (this machine: a semi-space grows to 64 MiB)", flags: [], bundle: "plain" },
  "semi-1": { title: "--max-semi-space-size=1", flags: ["--max-semi-space-size=1"], bundle: "plain" },
  "semi-2": { title: "--max-semi-space-size=2", flags: ["--max-semi-space-size=2"], bundle: "plain" },
  "semi-4": { title: "--max-semi-space-size=4", flags: ["--max-semi-space-size=4"], bundle: "plain" },
  "semi-8": { title: "--max-semi-space-size=8", flags: ["--max-semi-space-size=8"], bundle: "plain" },
  "arenas-2": { title: "MALLOC_ARENA_MAX=2 (glibc: two malloc arenas, not eight per core)", flags: [], bundle: "plain", env: { MALLOC_ARENA_MAX: "2" } },
  "arenas-1": { title: "MALLOC_ARENA_MAX=1 (glibc: one malloc arena for every thread)", flags: [], bundle: "plain", env: { MALLOC_ARENA_MAX: "1" } },
  "semi-1-arenas-2": { title: "--max-semi-space-size=1 and MALLOC_ARENA_MAX=2", flags: ["--max-semi-space-size=1"], bundle: "plain", env: { MALLOC_ARENA_MAX: "2" } },
  "semi-1-size": { title: "--max-semi-space-size=1 --optimize-for-size", flags: ["--max-semi-space-size=1", "--optimize-for-size"], bundle: "plain" },
  size: { title: "--optimize-for-size (V8 favours memory over speed: its memory reducer runs whatever the allocation rate)", flags: ["--optimize-for-size"], bundle: "plain" },
  maps: { title: "--enable-source-maps", flags: ["--enable-source-maps"], bundle: "plain" },
  minified: { title: "minified bundle", flags: [], bundle: "minified" },
  "minified-maps": { title: "minified bundle, --enable-source-maps", flags: ["--enable-source-maps"], bundle: "minified" },
};

/** What one process of one try showed in one round. */
export interface Reading {
  readonly afterLoadPrivateMiB: number;
  readonly idlePrivateMiB: number;
  readonly idleRssMiB: number;
  /** V8's heap, resident (total_physical_size), what of it live and dead objects fill (used_heap_size), and the young generation (new_space). */
  readonly heapMiB: number;
  readonly usedMiB: number;
  readonly newSpaceMiB: number;
  /** Private memory in glibc's malloc arenas: the main one ([heap]) and the threads' (anonymous mappings on 64 MiB boundaries). */
  readonly arenasMiB: number;
  /** Memory V8 itself mallocs (malloced_memory) and ArrayBuffers' (external). */
  readonly mallocedMiB: number;
  readonly externalMiB: number;
  readonly cpuUsPerRequest: number;
  /** The collectors' pauses on the main thread per request, and minor collections (scavenges) per 1,000 requests, under that load. */
  readonly gcUsPerRequest: number;
  readonly scavengesPer1000: number;
}

const MiB = 1024 * 1024;
export const PROBE = join(__dirname, "heap-probe.mjs");

function tryNamed(name: string): Try {
  const found = TRIES[name];
  if (!found) throw new Error(`IDLE_TRIES: unknown try ${JSON.stringify(name)}; one of ${Object.keys(TRIES).join(", ")}`);
  return found;
}

function servicesNamed(list: string): ServiceName[] {
  return list.split(",").map((name) => {
    if (!(name in SERVICES)) throw new Error(`IDLE_SERVICES: unknown service ${JSON.stringify(name)}; one of ${Object.keys(SERVICES).join(", ")}`);
    return name as ServiceName;
  });
}

/** Builds ref's bundles, minified with esbuild's `minify` when asked (the source maps stay beside them, linked). */
function bundles(ref: string, kinds: ReadonlySet<Try["bundle"]>): Record<Try["bundle"], { dist: string; remove(): void } | undefined> {
  return {
    plain: bundleOfRef(ref),
    minified: kinds.has("minified") ? bundleOfRef(ref, undefined, { minify: true }) : undefined,
  };
}

/** The services `measured` call, and theirs, started once from the plain bundle for every try to share. */
export async function startUpstreams(measured: readonly ServiceName[], dist: string, redis: TestRedis, children: ServiceProcess[]): Promise<Partial<Record<ServiceName, string>>> {
  const urls: Partial<Record<ServiceName, string>> = {};
  const start = async (name: ServiceName): Promise<string> => {
    const known = urls[name];
    if (known) return known;
    const env = await serviceEnv(name, redis, start);
    const child = await spawnService({ service: name, distDir: dist, env });
    children.push(child);
    return (urls[name] = `http://127.0.0.1:${child.port}`);
  };
  for (const name of measured) for (const upstream of SERVICES[name].calls) await start(upstream);
  return urls;
}

/** A service's environment on loopback: its Redis and its upstreams' URLs (`url` starts one when needed). */
export async function serviceEnv(name: ServiceName, redis: TestRedis, url: (upstream: ServiceName) => Promise<string>): Promise<Record<string, string>> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0" };
  if (SERVICES[name].redis) env.REDIS_URL = redis.url;
  for (const upstream of SERVICES[name].calls) env[upstreamUrlEnv(upstream)] = await url(upstream);
  return env;
}

/**
 * Private memory in glibc's malloc arenas, from /proc/<pid>/smaps: the main
 * arena is the [heap] mapping; every other arena is an anonymous mapping
 * that starts on a 64 MiB boundary (glibc's HEAP_MAX_SIZE on 64-bit), where
 * V8's own pages are 256 KiB chunks it places itself.
 */
export function arenaPrivateMiB(smaps: string): number {
  let kib = 0;
  let inArena = false;
  for (const line of smaps.split("\n")) {
    const mapping = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[2]!.trim();
      inArena = name === "[heap]" || (name === "" && BigInt(`0x${mapping[1]}`) % BigInt(64 * 1024 * 1024) === 0n);
      continue;
    }
    const field = /^Private_(?:Clean|Dirty):\s+(\d+) kB/.exec(line);
    if (field && inArena) kib += Number(field[1]);
  }
  return kib / 1024;
}

/** Asks the preload for V8's figures and waits for its file. */
/** Collections since the process started and their pauses (ms), by kind; zero unless MESHMART_HEAP_PROBE_GC_TIMES=1. */
export type GcTimes = Readonly<Record<"minor" | "major" | "other", { readonly count: number; readonly ms: number }>>;

export async function probe(pid: number, dir: string): Promise<{ heapMiB: number; usedMiB: number; newSpaceMiB: number; mallocedMiB: number; externalMiB: number; gc: GcTimes }> {
  const file = join(dir, `${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  for (let waited = 0; !existsSync(file); waited += 20) {
    if (waited > 5_000) throw new Error(`process ${pid} did not answer the heap probe`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const figures = JSON.parse(readFileSync(file, "utf8")) as {
    heap: { total_physical_size: number; used_heap_size: number; malloced_memory: number };
    spaces: Record<string, { physical: number }>;
    external: number;
    gc: GcTimes;
  };
  return {
    heapMiB: figures.heap.total_physical_size / MiB,
    usedMiB: figures.heap.used_heap_size / MiB,
    newSpaceMiB: (figures.spaces["new_space"]?.physical ?? 0) / MiB,
    mallocedMiB: figures.heap.malloced_memory / MiB,
    externalMiB: figures.external / MiB,
    gc: figures.gc,
  };
}

/** One round: every try's services fresh, warmed, idle, read, then loaded at a fixed rate. */
async function round(
  order: readonly string[],
  measured: readonly ServiceName[],
  context: { dists: Record<Try["bundle"], string | undefined>; redis: TestRedis; upstreams: Partial<Record<ServiceName, string>>; probeDir: string },
  options: { idleS: number; warmupS: number; rate: number; seconds: number; cpuPasses: number },
): Promise<Record<string, Record<string, Reading>>> {
  const children: ServiceProcess[] = [];
  try {
    const started: { name: string; service: ServiceName; child: ServiceProcess }[] = [];
    for (const name of order) {
      const attempt = tryNamed(name);
      for (const service of measured) {
        const env = await serviceEnv(service, context.redis, async (upstream) => context.upstreams[upstream] ?? "http://127.0.0.1:9");
        env.NODE_OPTIONS = `--import ${PROBE}`;
        env.MESHMART_HEAP_PROBE_DIR = context.probeDir;
        env.MESHMART_HEAP_PROBE_GC_TIMES = "1";
        Object.assign(env, attempt.env);
        const child = await spawnService({ service, distDir: context.dists[attempt.bundle]!, env, nodeFlags: attempt.flags });
        children.push(child);
        started.push({ name, service, child });
      }
    }
    const url = (entry: (typeof started)[number]) => `http://127.0.0.1:${entry.child.port}`;
    await warmEveryService(started.map((entry) => warmupRequest(entry.service, url(entry))), options.warmupS);
    const pids = Object.fromEntries(started.map((entry) => [`${entry.name} ${entry.service}`, entry.child.pid]));
    const memory = await idleMemory(pids, options.idleS);
    // V8's figures at the moment the memory was read, before any process is loaded again
    const insides = [];
    for (const entry of started) {
      const { heapMiB, usedMiB, newSpaceMiB, mallocedMiB, externalMiB } = await probe(entry.child.pid, context.probeDir);
      insides.push({ heapMiB, usedMiB, newSpaceMiB, mallocedMiB, externalMiB, arenasMiB: arenaPrivateMiB(readFileSync(`/proc/${entry.child.pid}/smaps`, "utf8")) });
    }
    // CPU per request: every process in turn, the order reversed every other pass; the median of its passes
    const cpu: number[][] = started.map(() => []);
    const gcUs: number[][] = started.map(() => []);
    const scavenges: number[][] = started.map(() => []);
    const pauses = (gc: GcTimes) => gc.minor.ms + gc.major.ms + gc.other.ms;
    for (let pass = 0; pass < options.cpuPasses; pass++) {
      const indexes = [...started.keys()];
      for (const i of pass % 2 === 0 ? indexes : indexes.reverse()) {
        const entry = started[i]!;
        const { url: target, ...request } = warmupRequest(entry.service, url(entry));
        const gcBefore = (await probe(entry.child.pid, context.probeDir)).gc;
        const before = cpuTimeNs(entry.child.pid);
        const result = await load(target, { connections: 10, durationS: options.seconds, rate: options.rate, ...request });
        cpu[i]!.push((cpuTimeNs(entry.child.pid) - before) / 1000 / result.requests);
        const gcAfter = (await probe(entry.child.pid, context.probeDir)).gc;
        gcUs[i]!.push(((pauses(gcAfter) - pauses(gcBefore)) * 1000) / result.requests);
        scavenges[i]!.push(((gcAfter.minor.count - gcBefore.minor.count) * 1000) / result.requests);
      }
    }
    const readings: Record<string, Record<string, Reading>> = {};
    for (const [i, entry] of started.entries()) {
      const key = `${entry.name} ${entry.service}`;
      const cpuUsPerRequest = median(cpu[i]!);
      const gcUsPerRequest = median(gcUs[i]!);
      const scavengesPer1000 = median(scavenges[i]!);
      (readings[entry.name] ??= {})[entry.service] = {
        afterLoadPrivateMiB: memory.afterLoad[key]!.privateMiB,
        idlePrivateMiB: memory.idle[key]!.privateMiB,
        idleRssMiB: memory.idle[key]!.rssMiB,
        ...insides[i]!,
        cpuUsPerRequest,
        gcUsPerRequest,
        scavengesPer1000,
      };
    }
    return readings;
  } finally {
    for (const child of children) child.child.kill("SIGTERM");
    await Promise.all(children.map((child) => child.exited));
  }
}

const spread = (values: number[]) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });
const f = (s: { median: number; min: number; max: number }, digits = 1) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

async function main(): Promise<void> {
  const names = (process.env.IDLE_TRIES ?? "default,semi-1,semi-2,semi-4").split(",");
  for (const name of names) tryNamed(name);
  const measured = servicesNamed(process.env.IDLE_SERVICES ?? "payment,orders,gateway");
  const options = {
    rounds: wholeNumberFromEnv(process.env, "IDLE_ROUNDS", 3),
    idleS: wholeNumberFromEnv(process.env, "IDLE_SECONDS", 90, 0, 600),
    warmupS: wholeNumberFromEnv(process.env, "IDLE_WARMUP_SECONDS", 3),
    rate: wholeNumberFromEnv(process.env, "IDLE_RATE", 1_000),
    seconds: wholeNumberFromEnv(process.env, "IDLE_LOAD_SECONDS", 5),
    cpuPasses: wholeNumberFromEnv(process.env, "IDLE_CPU_PASSES", 3),
  };
  const ref = process.env.IDLE_REF ?? "HEAD";
  const built = bundles(ref, new Set(names.map((name) => tryNamed(name).bundle)));
  const probeDir = mkdtempSync(join(tmpdir(), "meshmart-heap-probe-"));
  const redis = await startTestRedis();
  const children: ServiceProcess[] = [];
  const log = (line: string) => process.stdout.write(`idle-memory: ${line}\n`);
  const loadBefore = loadavg()[0]!;
  try {
    const upstreams = await startUpstreams(measured, built.plain!.dist, redis, children);
    const dists = { plain: built.plain!.dist, minified: built.minified?.dist };
    const rounds: Record<string, Record<string, Reading>>[] = [];
    for (let i = 0; i < options.rounds; i++) {
      const order = names.map((_, k) => names[(k + i) % names.length]!);
      const readings = await round(order, measured, { dists, redis, upstreams, probeDir }, options);
      rounds.push(readings);
      for (const name of order) {
        log(
          `round ${i + 1}/${options.rounds} ${name}: ${measured.map((s) => `${s} ${readings[name]![s]!.idlePrivateMiB.toFixed(1)} MiB private (heap ${readings[name]![s]!.heapMiB.toFixed(1)}, malloc arenas ${readings[name]![s]!.arenasMiB.toFixed(1)}, new space ${readings[name]![s]!.newSpaceMiB.toFixed(1)}), ${readings[name]![s]!.cpuUsPerRequest.toFixed(1)} µs/req, GC ${readings[name]![s]!.gcUsPerRequest.toFixed(2)} µs/req`).join("; ")}`,
        );
      }
    }
    const baseline = names[0]!;
    const summary: Record<string, Record<string, Record<string, ReturnType<typeof spread>>>> = {};
    for (const name of names) {
      for (const service of measured) {
        const of = (pick: (r: Reading) => number) => spread(rounds.map((r) => pick(r[name]![service]!)));
        const against = (pick: (r: Reading) => number) => spread(rounds.map((r) => pick(r[name]![service]!) - pick(r[baseline]![service]!)));
        const s = {
          idlePrivateMiB: of((r) => r.idlePrivateMiB),
          afterLoadPrivateMiB: of((r) => r.afterLoadPrivateMiB),
          idleRssMiB: of((r) => r.idleRssMiB),
          heapMiB: of((r) => r.heapMiB),
          arenasMiB: of((r) => r.arenasMiB),
          newSpaceMiB: of((r) => r.newSpaceMiB),
          mallocedMiB: of((r) => r.mallocedMiB),
          externalMiB: of((r) => r.externalMiB),
          cpuUsPerRequest: of((r) => r.cpuUsPerRequest),
          gcUsPerRequest: of((r) => r.gcUsPerRequest),
          scavengesPer1000: of((r) => r.scavengesPer1000),
          gcVsBaselineUs: against((r) => r.gcUsPerRequest),
          privateVsBaselineMiB: against((r) => r.idlePrivateMiB),
          cpuVsBaselineUs: against((r) => r.cpuUsPerRequest),
        };
        (summary[name] ??= {})[service] = s;
        log(
          `${name} ${service}: idle private ${f(s.idlePrivateMiB)} MiB (after traffic ${f(s.afterLoadPrivateMiB)}; heap ${f(s.heapMiB)}, malloc arenas ${f(s.arenasMiB)}, new space ${f(s.newSpaceMiB)}), ${f(s.cpuUsPerRequest)} µs/req (GC pauses ${f(s.gcUsPerRequest, 2)} µs/req, ${f(s.scavengesPer1000)} scavenges per 1,000); against ${baseline}: ${f(s.privateVsBaselineMiB)} MiB, ${f(s.cpuVsBaselineUs)} µs/req CPU, ${f(s.gcVsBaselineUs, 2)} µs/req GC`,
        );
      }
    }
    const loadAfter = loadavg()[0]!;
    log(`Node ${process.version}, ${options.rounds} rounds, ${options.warmupS} s of traffic then ${options.idleS} s idle, CPU at ${options.rate} req/s, ${options.cpuPasses} passes of ${options.seconds} s; load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}`);
    const report = { node: process.version, ref, tries: names, services: measured, options, loadAverage: [loadBefore, loadAfter], rounds, summary };
    if (process.env.IDLE_JSON) writeFileSync(process.env.IDLE_JSON, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    for (const child of children) child.child.kill("SIGTERM");
    await Promise.all(children.map((child) => child.exited));
    await redis.close();
    built.plain?.remove();
    built.minified?.remove();
    rmSync(probeDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`idle-memory: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
