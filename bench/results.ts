/**
 * bench/RESULTS.md from one run's figures: a pure function of the report,
 * so it is tested without running anything. Ratios are ours ÷ floor; the
 * goals are the issue's.
 */
import { SERVICE_NODE_FLAGS } from "../services/node-flags";
import type { ResilienceFigures } from "../test/resilience/support/figures";
import type { ColdStart } from "./cold-start";
import type { Rung } from "./ladder/ladder";
import type { Machine } from "./machine";
import type { MemoryReport } from "./memory";
import type { Memory } from "./processes";
import { ratio } from "./stats";
import type { PathResult } from "./throughput";

export const GOALS = {
  /** ours ≥ 0.8 × the floor's throughput */
  throughputRatio: 0.8,
  /** ours' p99 ≤ 1.25 × the floor's */
  p99Ratio: 1.25,
  coldStartMs: 300,
  idleRssMiB: 60,
} as const;

export interface BenchSettings {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupS: number;
  readonly connections: number;
  readonly pinned: boolean;
  readonly coldRuns: number;
  readonly ladderRate: number;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: Machine;
  readonly settings: BenchSettings;
  readonly paths: readonly PathResult[];
  readonly coldStarts: readonly ColdStart[];
  readonly memory: MemoryReport;
  readonly floorMemory: MemoryReport;
  readonly ladder: readonly Rung[];
  /** The resilience suite's figures, or why there are none. */
  readonly resilience: ResilienceFigures | { readonly error: string };
  /** bench/images.md's table, when the image benchmark has run. */
  readonly images?: string;
  /** bench/kept-libraries.md: each kept-library swap measured before and after (by its own script, on its own Node). */
  readonly keptLibraries?: string;
  /** bench/footprint.md: every stack's CPU and memory requests and limits (`npm run bench:footprint`). */
  readonly footprint?: string;
}

const num = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const times = (value: number) => `${num(value, 2)}×`;
const met = (ok: boolean) => (ok ? "met" : "**not met**");

function goalRows(report: BenchReport): string[] {
  const rows: string[] = [];
  for (const result of report.paths) {
    const throughput = ratio(result.ours.requestsPerSecond, result.floor.requestsPerSecond);
    const p99 = ratio(result.ours.p99Ms, result.floor.p99Ms);
    rows.push(`| throughput ≥ ${GOALS.throughputRatio}× floor, ${result.path.id} | ${times(throughput)} (${num(result.ours.requestsPerSecond)} vs ${num(result.floor.requestsPerSecond)} req/s) | ${met(throughput >= GOALS.throughputRatio)} |`);
    rows.push(`| p99 ≤ ${GOALS.p99Ratio}× floor, ${result.path.id} | ${times(p99)} (${num(result.ours.p99Ms)} vs ${num(result.floor.p99Ms)} ms) | ${met(p99 <= GOALS.p99Ratio)} |`);
  }
  for (const result of report.paths) {
    for (const [peer, theirs] of Object.entries(result.peers ?? {})) {
      const ahead = result.ours.requestsPerSecond > theirs.requestsPerSecond && result.ours.p99Ms <= theirs.p99Ms;
      rows.push(
        `| ahead of ${peer} in throughput and p99, ${result.path.id} | ${num(result.ours.requestsPerSecond)} vs ${num(theirs.requestsPerSecond)} req/s, p99 ${num(result.ours.p99Ms)} vs ${num(theirs.p99Ms)} ms | ${met(ahead)} |`,
      );
    }
  }
  const slowest = [...report.coldStarts].sort((a, b) => b.medianMs - a.medianMs)[0];
  if (slowest) rows.push(`| cold start ≤ ${GOALS.coldStartMs} ms, every service | slowest: ${slowest.service} ${num(slowest.medianMs)} ms | ${met(report.coldStarts.every((c) => c.medianMs <= GOALS.coldStartMs))} |`);
  const idle = Object.entries(report.memory.idle).sort((a, b) => b[1].rssMiB - a[1].rssMiB);
  if (idle[0]) rows.push(`| idle RSS ≤ ${GOALS.idleRssMiB} MB, every service | largest: ${idle[0][0]} ${num(idle[0][1].rssMiB, 1)} MiB | ${met(idle.every(([, m]) => m.rssMiB <= GOALS.idleRssMiB))} |`);
  return rows;
}

/** For each goal not met, what the measured figures say costs the difference. */
export function explanations(report: BenchReport): string[] {
  const lines: string[] = [];
  const slow = report.paths.filter((r) => ratio(r.ours.requestsPerSecond, r.floor.requestsPerSecond) < GOALS.throughputRatio || ratio(r.ours.p99Ms, r.floor.p99Ms) > GOALS.p99Ratio);
  if (slow.length) {
    const cpu = slow.map((r) => `${r.path.id} ${num(r.ours.cpuUsTotal)} µs against ${num(r.floor.cpuUsTotal)} µs (${times(ratio(r.ours.cpuUsTotal, r.floor.cpuUsTotal))})`).join(", ");
    lines.push(
      `- **Throughput and p99.** With every core busy, throughput is the inverse of the CPU a request costs along its path, and the p99 follows the queueing that cost causes. Per request, ours spends ${cpu} of CPU. Every process on a path pays the per-request cost of its stack once, so a chain of three processes pays it three times.`,
    );
    const rung = (id: string) => report.ladder.find((r) => r.id === id)?.cpuUs;
    const [base, hono, routes, quiet, kit] = ["node-http", "hono", "routes", "kit-quiet", "kit"].map(rung);
    if (base !== undefined && hono !== undefined && routes !== undefined && quiet !== undefined && kit !== undefined) {
      lines.push(
        `- **Where one service's share goes** (users, at a fixed rate): node:http alone ${num(base)} µs; Hono and @hono/node-server (WHATWG Request/Response over node's) ${num(hono - base)} µs more; zod validation and JSON errors ${num(routes - hono)} µs; the kit — request id, route-template metrics in prom-client, 404/405/413 handling, health routes — ${num(quiet - routes)} µs; one JSON access-log line per request ${num(kit - quiet)} µs. ${times(ratio(kit, base))} the floor in all, before any outbound call: each of these is a feature the floor does not have (see above), and the 0.8× goal would leave them ${num(base * 0.25)} µs together.`,
      );
    }
    lines.push(
      "- On the chains, the caller adds what one outbound call costs on top: the call on node:http with its deadline timer, the trace headers from an AsyncLocalStorage (which makes every promise of the process a little dearer), the upstream metrics, and the zod check of the answer against the contract.",
    );
  }
  const behind = report.paths.flatMap((r) =>
    Object.entries(r.peers ?? {})
      .filter(([, theirs]) => !(r.ours.requestsPerSecond > theirs.requestsPerSecond && r.ours.p99Ms <= theirs.p99Ms))
      .map(([peer, theirs]) => `${r.path.id}: ${peer} ${num(theirs.cpuUsTotal)} µs against ours ${num(r.ours.cpuUsTotal)} µs`),
  );
  if (behind.length) {
    lines.push(
      `- **Against the peers.** Where a peer is ahead, the CPU each spends per request along the chain, the figure throughput follows on a busy machine: ${behind.join("; ")}. Per process in the table "Against the peers" below.`,
    );
  }
  const slowStarts = report.coldStarts.filter((c) => c.medianMs > GOALS.coldStartMs);
  if (slowStarts.length) {
    lines.push(
      `- **Cold start.** ${slowStarts.map((c) => `${c.service} ${num(c.medianMs)} ms`).join(", ")}: the services with a store also load the Redis client (about 1.6 MB of the bundle; the others never load it) and connect before /readyz answers. Most of a start is Node itself (~80 ms to an empty script on Node 20 here, measured by hand) and parsing and running the bundle (zod, prom-client, Hono, node-redis).`,
    );
  }
  const heavy = Object.entries(report.memory.idle).filter(([, m]) => m.rssMiB > GOALS.idleRssMiB);
  if (heavy.length) {
    const floor = Object.values(report.floorMemory.idle);
    const floorRss = floor.length ? Math.min(...floor.map((m) => m.rssMiB)) : Number.NaN;
    const floorPrivate = floor.length ? Math.min(...floor.map((m) => m.privateMiB)) : Number.NaN;
    const file = Math.min(...heavy.map(([, m]) => m.fileMiB));
    lines.push(
      `- **Idle RSS.** ${num(file, 0)} MiB or more of each process's RSS is file-backed: the node binary's own code, mapped by every node process and shared between them (one copy in memory per node machine). The floor's bare node:http servers idle at ${num(floorRss, 1)} MiB RSS with ${num(floorPrivate, 1)} MiB private, so 60 MB would leave about ${num(GOALS.idleRssMiB - file, 0)} MiB private for Hono, zod, prom-client, the Redis client and the service. Ours hold ${heavy.map(([name, m]) => `${name} ${num(m.privateMiB, 1)}`).join(", ")} MiB private.`,
      `- What that private memory is, measured inside the services (bench/ladder/idle-memory.ts): V8's heap, 17–25 MiB once collected, plus what traffic grew it to until V8 gives it back; glibc's malloc arenas, 22–62 MiB after traffic (what V8's compiler and collector threads and node's own buffers allocated, kept by glibc for reuse); and the code. Every service runs as \`node ${SERVICE_NODE_FLAGS.join(" ")}\` (services/node-flags.ts), here as in the images and the Deployments: V8 would otherwise size its young generation from the memory node sees (64 MiB per semi-space on a 24 GiB machine, 1 MiB in a pod with a 256 MiB limit), and the bench would measure a runtime no pod runs. What else was tried and not kept, with the figures and the CPU each costs per request: docs/benchmarks.md, "Idle memory: what was tried".`,
    );
    const unshrunk = heavy.filter(([name]) => !report.memory.settledS[name]).map(([name]) => name);
    if (unshrunk.length) {
      lines.push(
        `- ${unshrunk.join(", ")} never shrank in ${report.memory.idleS} s idle: V8's memory reducer, which gives back the heap the traffic grew, had not run. It waits while the allocation rate it measured at the last collection is high, and an idle process collects nothing to measure it again (\`--trace-memory-reducer\` prints "high alloc" every 8 s until some collection happens), so these figures are the worst case an idle pod shows. Not a leak: payment's live heap after a full collection stays at 21–23 MiB over 86,000 replayed charges (bench/ladder/retained-memory.ts).`,
      );
    }
  }
  return lines;
}

function pathTables(report: BenchReport): string[] {
  const lines = [
    "| path | ours req/s | floor req/s | ratio | ours p50 / p99 ms | floor p50 / p99 ms | p99 ratio | failed (ours / floor) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { path, ours, floor } of report.paths) {
    lines.push(
      `| ${path.title} | ${num(ours.requestsPerSecond)} | ${num(floor.requestsPerSecond)} | ${times(ratio(ours.requestsPerSecond, floor.requestsPerSecond))} | ${num(ours.p50Ms)} / ${num(ours.p99Ms)} | ${num(floor.p50Ms)} / ${num(floor.p99Ms)} | ${times(ratio(ours.p99Ms, floor.p99Ms))} | ${ours.failed} / ${floor.failed} |`,
    );
  }
  lines.push("", "CPU time per request, by process on the path (µs, median over rounds):", "");
  lines.push("| path | ours | floor | ratio |", "| --- | --- | --- | ---: |");
  for (const { path, ours, floor } of report.paths) {
    const each = (summary: typeof ours) => `${path.chain.map((name) => `${name} ${num(summary.cpuUs[name] ?? Number.NaN)}`).join(" + ")} = **${num(summary.cpuUsTotal)}**`;
    lines.push(`| ${path.id} | ${each(ours)} | ${each(floor)} | ${times(ratio(ours.cpuUsTotal, floor.cpuUsTotal))} |`);
  }
  return lines;
}

/** Floor, ours and each peer side by side, on the paths the peers build. */
export function peerTable(report: BenchReport): string[] {
  const withPeers = report.paths.filter((r) => r.peers && Object.keys(r.peers).length);
  if (!withPeers.length) return ["(the peers were not measured in this run)"];
  const lines = [
    "| path | who | req/s | × floor | p50 / p99 ms | CPU µs per request (by process) | failed |",
    "| --- | --- | ---: | ---: | ---: | --- | ---: |",
  ];
  for (const result of withPeers) {
    const rows: [string, (typeof result)["ours"]][] = [["floor", result.floor], ["ours", result.ours], ...Object.entries(result.peers ?? {})];
    for (const [who, summary] of rows) {
      const cpu = `${result.path.chain.map((name) => `${name} ${num(summary.cpuUs[name] ?? Number.NaN)}`).join(" + ")} = **${num(summary.cpuUsTotal)}**`;
      lines.push(`| ${result.path.id} | ${who} | ${num(summary.requestsPerSecond)} | ${times(ratio(summary.requestsPerSecond, result.floor.requestsPerSecond))} | ${num(summary.p50Ms)} / ${num(summary.p99Ms)} | ${cpu} | ${summary.failed} |`);
    }
  }
  return lines;
}

function ladderTable(rungs: readonly Rung[]): string[] {
  if (!rungs.length) return ["(not measured in this run)"];
  const lines = ["| layer | CPU µs per request | added |", "| --- | ---: | ---: |"];
  rungs.forEach((rung, i) => {
    const added = i === 0 ? "" : `${rung.cpuUs - rungs[i - 1]!.cpuUs >= 0 ? "+" : ""}${num(rung.cpuUs - rungs[i - 1]!.cpuUs)}`;
    lines.push(`| ${i + 1}. ${rung.title} | ${num(rung.cpuUs)} | ${added} |`);
  });
  return lines;
}

function memoryTable(report: BenchReport): string[] {
  const row = (name: string, after: Memory | undefined, idle: Memory, settled: number | undefined) =>
    `| ${name} | ${after ? num(after.rssMiB, 1) : "–"} | **${num(idle.rssMiB, 1)}** | ${num(idle.anonMiB, 1)} | ${num(idle.fileMiB, 1)} | ${num(idle.pssMiB, 1)} | ${num(idle.privateMiB, 1)} | ${settled ? `${settled} s` : "–"} |`;
  const lines = [
    "| process | RSS after traffic, MiB | idle RSS, MiB | of which anonymous | of which file-backed (node binary…) | idle PSS, MiB | idle private, MiB | last moved |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [name, idle] of Object.entries(report.memory.idle)) lines.push(row(name, report.memory.afterLoad[name], idle, report.memory.settledS[name]));
  for (const [name, idle] of Object.entries(report.floorMemory.idle)) lines.push(row(`floor ${name}`, report.floorMemory.afterLoad[name], idle, report.floorMemory.settledS[name]));
  return lines;
}

function resilienceSection(figures: BenchReport["resilience"], node: string): string[] {
  if ("error" in figures) return [`The suite did not produce figures in this run: ${figures.error}`];
  const lines = [
    `Run finished ${figures.finished}. Run on Node ${node}, as every other figure here. Every row is a test of \`npm run test:resilience\` that passed; the figures are what its assertions saw.`,
    "",
    "| fault survived | traffic held | requests | answers | lost | checked |",
    "| --- | --- | ---: | --- | ---: | --- |",
  ];
  for (const s of figures.scenarios) {
    const answers = Object.entries(s.outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([outcome, count]) => `${outcome}: ${count}`)
      .join(", ");
    lines.push(`| ${s.scenario} | ${s.traffic} | ${s.requests} | ${answers} | ${s.lost} | ${s.checked} |`);
  }
  const total = figures.scenarios.reduce((sum, s) => sum + s.requests, 0);
  const lost = figures.scenarios.reduce((sum, s) => sum + s.lost, 0);
  lines.push("", `Held load: ${total} requests across ${figures.scenarios.length} faults; requests or acknowledged writes lost: **${lost}**.`);
  if (figures.hostile) {
    const h = figures.hostile;
    const answers = Object.entries(h.outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}: ${count}`)
      .join(", ");
    lines.push(
      "",
      `Hostile inputs: ${h.inputs} inputs against ${h.routes} public routes, ${h.requests} requests; answers ${answers}; Redis state changed: ${h.stateChanged ? "**yes**" : "no"}; processes crashed: ${h.crashed}.`,
    );
  }
  return lines;
}

/** What the floor leaves out, so the ratios are read for what they are. */
const FLOOR_DOES_NOT = [
  "validate anything (path ids, stored orders, the users answer: ours checks each against the zod contract and answers a JSON 400/502 when it does not fit);",
  "count or time requests (ours: prom-client histogram and counter per request, and per upstream call);",
  "log (ours: one JSON line per request with id, route, status and duration, to stdout);",
  "propagate trace context or request ids (ours: traceparent, b3, x-request-id… onto every outbound call, kept in an AsyncLocalStorage), or add x-forwarded-* and drop hop-by-hop headers at the gateway;",
  "bound anything: no timeouts, no retries, no body limits, no readiness, no graceful drain, no JSON error shape — a failing dependency is an empty 502 or a hang.",
];

export function renderResults(report: BenchReport): string {
  const { machine, settings } = report;
  const lines = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (bench/bench-cli.ts); do not edit by hand. How to read and rerun it: docs/benchmarks.md.",
    "",
    `- Measured: ${report.date}`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform}`,
    `- Node: ${machine.node} (${machine.nodePath}) for every figure below but the image sizes, which say their own: the shop, the floor, the ladder, the cold starts and the resilience suite are all spawned from the bench's own node`,
    `- Other load on the machine (1-minute load average): ${num(machine.loadBefore, 2)} at the start, ${num(machine.loadAfter ?? Number.NaN, 2)} at the end`,
    `- Load: autocannon, ${settings.connections} keep-alive connections, ${settings.warmupS} s warm-up, then ${settings.rounds} rounds of ${settings.seconds} s, each round taking ours, the floor and (on the two chains) the Express and Fastify peers in another order; medians over rounds`,
    settings.pinned
      ? "- Cores: every server process (and Redis) on core 0, the load generator on core 1 (taskset, BENCH_PIN=1)"
      : "- Cores: shared by the servers and the load generator, one single-threaded process (BENCH_PIN=1 splits them; docs/benchmarks.md says why that is not the default)",
    "",
    "## Goals",
    "",
    "| goal | measured | |",
    "| --- | --- | --- |",
    ...goalRows(report),
    "",
    ...(explanations(report).length ? ["### What costs the difference", "", ...explanations(report), ""] : []),
    "## Throughput and latency against the floor",
    "",
    "The floor is a bare node:http implementation of the same chains in bench/floor/ (same data, the same Redis hash read with the same client, keep-alive agents between hops). Unlike ours, the floor does not:",
    "",
    ...FLOOR_DOES_NOT.map((item) => `- ${item}`),
    "",
    ...pathTables(report),
    "",
    "## Against the peers: Express and Fastify",
    "",
    "The same two chains built the way a team would otherwise build them (bench/peers/): Express 5 with pino-http, and Fastify 5 with its built-in pino, each with zod validation (the shop's own schemas), prom-client RED metrics by route template, one pino JSON access line per request, the request id and trace headers passed on, upstream timeouts and JSON errors. Measured in the same rounds as ours and the floor, each round in another order:",
    "",
    ...peerTable(report),
    "",
    "## Where a request's CPU goes",
    "",
    `GET /users/1, the simplest request, served by rungs that each add one layer, each at a fixed ${settings.ladderRate} req/s (bench/ladder/):`,
    "",
    ...ladderTable(report.ladder),
    "",
    ...(report.keptLibraries ? ["## Kept libraries, measured before and after", "", "From bench/kept-libraries.md (each swap's own script; the Node version is given with each figure):", "", report.keptLibraries.trim(), ""] : []),
    "## Cold start",
    "",
    `From spawning \`node dist/services/<name>.mjs\` to the first 200 from its /readyz (stateful services connect to Redis first), ${settings.coldRuns} runs each:`,
    "",
    "| service | median ms | runs ms |",
    "| --- | ---: | --- |",
    ...report.coldStarts.map((c) => `| ${c.service} | ${num(c.medianMs)} | ${c.runsMs.map((ms) => num(ms)).join(", ")} |`),
    "",
    "## Idle memory",
    "",
    `Every service served traffic, then was left idle ${report.memory.idleS} s for the garbage collector to settle (V8 shrinks a heap that stopped growing, at a moment of its own choosing, seen here from 20 to 100 s after the traffic stops; "last moved" says when each did). Resident set and its anonymous and file-backed parts (VmRSS, RssAnon, RssFile) from /proc/<pid>/status; PSS (Pss: each resident page divided by the number of processes mapping it, so the node binary's pages shared by every service count once across them) and private memory (Private_Clean + Private_Dirty: pages no other process maps, what ending the process frees) from /proc/<pid>/smaps_rollup, read at the same moment. Every node process on this machine maps the same node binary (the shop, the floor, the peers and the bench here, and whatever else runs node on the machine), so the binary's pages are split among all of them and PSS lies within a few MiB of the private figure; a pod alone on its node would carry more of them. The floor's servers for comparison:`,
    "",
    ...memoryTable(report),
    "",
    "## Resilience suite",
    "",
    ...resilienceSection(report.resilience, machine.node),
    "",
    ...footprintSection(report.footprint),
    "",
    "## Image sizes",
    "",
    ...(report.images ? ["From bench/images.md (`npm run bench:images`):", "", ...imageNodeWarning(report.images, machine.node), report.images] : ["See bench/images.md (`npm run bench:images`)."]),
    "",
  ];
  return lines.join("\n");
}

const FOOTPRINT_HEADING = "## Cluster footprint";

/** The "Cluster footprint" section: bench/footprint.md's text, or where to get it. */
function footprintSection(markdown: string | undefined): string[] {
  return [FOOTPRINT_HEADING, "", markdown ? `From bench/footprint.md: ${markdown.trim()}` : "See bench/footprint.md (`npm run bench:footprint`)."];
}

/** RESULTS.md with its "Cluster footprint" section replaced by bench/footprint.md's text (added before "Image sizes" if missing). */
export function withFootprintSection(results: string, markdown: string): string {
  const section = footprintSection(markdown).join("\n") + "\n";
  const start = results.indexOf(`\n${FOOTPRINT_HEADING}\n`);
  if (start >= 0) {
    const next = results.indexOf("\n## ", start + 1);
    return `${results.slice(0, start + 1)}${section}${next >= 0 ? results.slice(next) : ""}`;
  }
  const images = results.indexOf("\n## Image sizes\n");
  if (images < 0) return `${results.trimEnd()}\n\n${section}`;
  return `${results.slice(0, images + 1)}${section}\n${results.slice(images + 1)}`;
}

/**
 * The image table from bench/images.md's text, if it has one, after a line
 * naming the base image and the Node it holds: the version in the base's tag
 * (meshmart/node-base:<version>-… for the offline base, node:<version>-… for
 * an official one).
 */
export function imageTable(markdown: string): string | undefined {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| image |"));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && !line.startsWith("|"));
  const table = lines.slice(start, end < 0 ? undefined : end).join("\n");
  const base = /Base image: `([^`]+)`/.exec(markdown)?.[1];
  const version = base && /^[^:]*node[^:]*:v?(\d+\.\d+\.\d+)/.exec(base)?.[1];
  const node = version ? `Node v${version}` : "Node unknown";
  return `${base ? `Base image \`${base}\`` : "Base image not stated in bench/images.md"}: ${node}.\n\n${table}`;
}

/** A line flagging image sizes measured on another Node than this run's, or nothing. */
function imageNodeWarning(images: string, runNode: string): string[] {
  const node = /^Base image .*: Node (v\d+\.\d+\.\d+)\./.exec(images)?.[1];
  return node && node !== runNode ? [`**Node ${node}, not this run's ${runNode}**: rerun \`npm run bench:images\` on this node.`, ""] : [];
}
