import { expect } from "chai";
import { PATHS } from "./paths";
import { explanations, imageTable, renderResults, withFootprintSection, type BenchReport } from "./results";
import type { Summary } from "./throughput";

function summary(rps: number, p99: number, cpu: Record<string, number>): Summary {
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  return { requestsPerSecond: rps, p50Ms: 1, p99Ms: p99, cpuUs: cpu, cpuUsTotal: total, requests: rps * 5, failed: 0 };
}

const memory = (rss: number) => ({ rssMiB: rss, anonMiB: rss - 42, fileMiB: 42, pssMiB: rss - 30, privateMiB: rss - 41 });

function report(options: { ratio: number; coldMs: number; rss: number }): BenchReport {
  return {
    date: "2026-11-23T00:00:00.000Z",
    machine: { cpuModel: "Test CPU", cores: 2, memoryGiB: 8, node: "v24.21.0", nodePath: "/opt/node24/bin/node", platform: "linux x64", loadBefore: 0.5, loadAfter: 0.7 },
    settings: { rounds: 5, seconds: 5, warmupS: 3, connections: 10, pinned: false, coldRuns: 5, ladderRate: 2000 },
    paths: PATHS.map((path) => ({
      path,
      ours: summary(1000 * options.ratio, 10, Object.fromEntries(path.chain.map((name) => [name, 100 / options.ratio]))),
      floor: summary(1000, 10, Object.fromEntries(path.chain.map((name) => [name, 100]))),
      rounds: { ours: [], floor: [] },
    })),
    coldStarts: [{ service: "users", runsMs: [options.coldMs], medianMs: options.coldMs }],
    memory: { afterLoad: { users: memory(options.rss + 20) }, idle: { users: memory(options.rss) }, idleS: 100, settledS: { users: 31 } },
    floorMemory: { afterLoad: { users: memory(53) }, idle: { users: memory(53) }, idleS: 100, settledS: { users: 0 } },
    ladder: [
      { id: "node-http", title: "node:http", cpuUs: 30 },
      { id: "hono", title: "Hono", cpuUs: 35 },
      { id: "routes", title: "routes", cpuUs: 40 },
      { id: "kit-quiet", title: "kit", cpuUs: 70 },
      { id: "kit", title: "kit + log", cpuUs: 80 },
    ],
    resilience: {
      finished: "2026-11-23T00:05:00.000Z",
      scenarios: [{ scenario: "Redis killed", traffic: "8 clients, 5 s", requests: 1000, outcomes: { "200": 900, "503": 100 }, lost: 0, checked: "fine" }],
      hostile: { inputs: 92, routes: 47, requests: 4429, outcomes: { "400": 4000, "404": 429 }, stateChanged: false, crashed: 0 },
    },
    images: "| image | size |\n| --- | --- |\n| meshmart/users:local | 177 MB |",
  };
}

describe("bench: RESULTS.md", () => {
  it("marks each goal met or not from the figures", () => {
    const good = renderResults(report({ ratio: 0.9, coldMs: 200, rss: 55 }));
    expect(good).to.match(/\| throughput ≥ 0\.8× floor, orders \| 0\.90× \(900 vs 1000 req\/s\) \| met \|/);
    expect(good).to.match(/\| cold start ≤ 300 ms, every service \| slowest: users 200 ms \| met \|/);
    expect(good).not.to.include("not met");
    expect(good).not.to.include("What costs the difference");
    const bad = renderResults(report({ ratio: 0.4, coldMs: 350, rss: 80 }));
    expect(bad).to.match(/\| throughput ≥ 0\.8× floor, gateway-orders \| 0\.40× .*\*\*not met\*\* \|/);
    expect(bad).to.match(/\| idle RSS ≤ 60 MB, every service \| largest: users 80\.0 MiB \| \*\*not met\*\* \|/);
    expect(bad).to.include("### What costs the difference");
  });

  it("says what costs the difference, with the measured numbers, only for goals not met", () => {
    const lines = explanations(report({ ratio: 0.4, coldMs: 350, rss: 80 }));
    expect(lines.join("\n")).to.include("orders 500 µs against 200 µs (2.50×)");
    expect(lines.join("\n")).to.include("zod validation and JSON errors 5 µs");
    expect(lines.join("\n")).to.include("users 350 ms");
    expect(lines.join("\n")).to.include("42 MiB or more of each process's RSS is file-backed");
    expect(explanations(report({ ratio: 1, coldMs: 100, rss: 50 }))).to.deep.equal([]);
  });

  it("says which services had not shrunk yet when the memory was read", () => {
    const base = report({ ratio: 1, coldMs: 100, rss: 80 });
    const shrank = explanations(base).join("\n");
    // private memory (Private_Clean + Private_Dirty: rss 80 → 39.0 in the fixture), not the anonymous part (38.0)
    expect(shrank).to.include("Ours hold users 39.0 MiB private");
    expect(shrank).to.include("The floor's bare node:http servers idle at 53.0 MiB RSS with 12.0 MiB private");
    expect(shrank).not.to.include("never shrank");
    const unshrunk = explanations({ ...base, memory: { ...base.memory, settledS: { users: 0 } } }).join("\n");
    expect(unshrunk).to.include("- users never shrank in 100 s idle");
    // the cause measured with --trace-memory-reducer, and the leak check that rules a leak out
    expect(unshrunk).to.include("memory reducer");
    expect(unshrunk).to.include("bench/ladder/retained-memory.ts");
    expect(unshrunk).not.to.include("young generation at the size the traffic grew it to");
  });

  it("says what the idle memory is made of, the flags the services run with, and where the tries are", () => {
    const text = explanations(report({ ratio: 1, coldMs: 100, rss: 80 })).join("\n");
    expect(text).to.include("glibc's malloc arenas");
    expect(text).to.include("`node --max-semi-space-size=2`");
    expect(text).to.include('docs/benchmarks.md, "Idle memory: what was tried"');
  });

  it("includes the machine, the resilience figures and the image table", () => {
    const text = renderResults(report({ ratio: 0.9, coldMs: 200, rss: 55 }));
    expect(text).to.include("Machine: Test CPU, 2 cores");
    expect(text).to.include("| Redis killed | 8 clients, 5 s | 1000 | 200: 900, 503: 100 | 0 | fine |");
    expect(text).to.include("requests or acknowledged writes lost: **0**");
    expect(text).to.include("Hostile inputs: 92 inputs against 47 public routes, 4429 requests");
    expect(text).to.include("| meshmart/users:local | 177 MB |");
    expect(text).to.match(/\| users \| 75\.0 \| \*\*55\.0\*\* \| 13\.0 \| 42\.0 \| 25\.0 \| 14\.0 \| 31 s \|/);
    expect(text).to.match(/\| floor users \| 53\.0 \| \*\*53\.0\*\* \| 11\.0 \| 42\.0 \| 23\.0 \| 12\.0 \| – \|/);
  });

  it("reports a suite that did not run instead of figures", () => {
    const text = renderResults({ ...report({ ratio: 0.9, coldMs: 200, rss: 55 }), resilience: { error: "skipped (BENCH_RESILIENCE=0)" } });
    expect(text).to.include("The suite did not produce figures in this run: skipped (BENCH_RESILIENCE=0)");
  });

  it("takes the image table out of bench/images.md, with the Node of the base it was measured on", () => {
    const table = "| image | size |\n| --- | ---: |\n| a | 1 |";
    const offline = imageTable(`# Image sizes\n\n- Base image: \`meshmart/node-base:24.21.0-bookworm-minbase-1-6295488653f0\`\n\n${table}\n\n- after`);
    expect(offline).to.equal(`Base image \`meshmart/node-base:24.21.0-bookworm-minbase-1-6295488653f0\`: Node v24.21.0.\n\n${table}`);
    const given = imageTable(`- Base image: \`node:24.21.0-bookworm-slim@sha256:2fe3\`\n\n${table}`);
    expect(given).to.match(/^Base image `node:24\.21\.0-bookworm-slim@sha256:2fe3`: Node v24\.21\.0\.\n/);
    expect(imageTable(`${table}\n`)).to.equal(`Base image not stated in bench/images.md: Node unknown.\n\n${table}`);
    expect(imageTable("no table")).to.equal(undefined);
  });

  it("states the Node every figure was measured on, and flags image sizes measured on another", () => {
    const base = report({ ratio: 0.9, coldMs: 200, rss: 55 });
    const text = renderResults(base);
    expect(text).to.include("- Node: v24.21.0 (/opt/node24/bin/node) for every figure below");
    expect(text).to.include("Run on Node v24.21.0, as every other figure here.");
    const same = `Base image \`meshmart/node-base:24.21.0-x\`: Node v24.21.0.\n\n| image | size |`;
    expect(renderResults({ ...base, images: same })).not.to.include("not this run's");
    const older = `Base image \`meshmart/node-base:20.20.2-x\`: Node v20.20.2.\n\n| image | size |`;
    expect(renderResults({ ...base, images: older })).to.include("**Node v20.20.2, not this run's v24.21.0**: rerun `npm run bench:images` on this node.");
  });
});

describe("bench: RESULTS.md sets the peers beside the floor and ours", () => {
  it("shows floor, ours, Express and Fastify side by side on the chains the peers build, and says when they were not measured", () => {
    const base = report({ ratio: 0.5, coldMs: 100, rss: 50 });
    const withPeers: BenchReport = {
      ...base,
      paths: base.paths.map((result) =>
        result.path.id === "gateway-products" ? result : { ...result, peers: { express: summary(400, 20, Object.fromEntries(result.path.chain.map((n) => [n, 250]))), fastify: summary(700, 12, Object.fromEntries(result.path.chain.map((n) => [n, 140]))) } },
      ),
    };
    const text = renderResults(withPeers);
    expect(text).to.include("## Against the peers: Express and Fastify");
    expect(text).to.include("| orders | floor | 1000 | 1.00× | 1 / 10 | orders 100 + users 100 = **200** | 0 |");
    expect(text).to.include("| orders | ours | 500 | 0.50× |");
    expect(text).to.include("| orders | express | 400 | 0.40× | 1 / 20 | orders 250 + users 250 = **500** | 0 |");
    expect(text).to.include("| gateway-orders | fastify | 700 | 0.70× | 1 / 12 | gateway 140 + orders 140 + users 140 = **420** | 0 |");
    expect(text).not.to.match(/\| gateway-products \| express/);
    expect(renderResults(base)).to.include("(the peers were not measured in this run)");
    expect(text).to.include("| ahead of express in throughput and p99, orders | 500 vs 400 req/s, p99 10 vs 20 ms | met |");
    expect(text).to.include("| ahead of fastify in throughput and p99, orders | 500 vs 700 req/s, p99 10 vs 12 ms | **not met** |");
    expect(renderResults(base)).not.to.include("ahead of");
    expect(text).to.include("- **Against the peers.** Where a peer is ahead, the CPU each spends per request along the chain, the figure throughput follows on a busy machine: orders: fastify 280 µs against ours 400 µs; gateway-orders: fastify 420 µs against ours 600 µs.");
  });

  it("carries the kept-library swaps when bench/kept-libraries.md has them", () => {
    const text = renderResults({ ...report({ ratio: 0.5, coldMs: 100, rss: 50 }), keptLibraries: "## pino\n\n| a | b |" });
    expect(text).to.include("## Kept libraries, measured before and after");
    expect(text).to.include("## pino\n\n| a | b |");
  });

  it("shows each process's idle PSS and private memory beside its RSS", () => {
    const text = renderResults(report({ ratio: 0.9, coldMs: 200, rss: 80 }));
    expect(text).to.include("idle PSS, MiB | idle private, MiB");
    // rss 80: PSS 50.0, private 39.0 (the fixture above); the floor's users at rss 53: PSS 23.0, private 12.0
    expect(text).to.match(/\| users \| 100\.0 \| \*\*80\.0\*\* \| 38\.0 \| 42\.0 \| 50\.0 \| 39\.0 \| 31 s \|/);
    expect(text).to.match(/\| floor users \| 53\.0 \| \*\*53\.0\*\* \| 11\.0 \| 42\.0 \| 23\.0 \| 12\.0 \| – \|/);
    expect(text).to.include("Private_Clean + Private_Dirty");
  });

  it("carries bench/footprint.md in its Cluster footprint section, and replaces only that section when the footprint is rerun", () => {
    const first = renderResults({ ...report({ ratio: 0.9, coldMs: 200, rss: 55 }), footprint: "dev reserves 1 CPU\n" });
    expect(first).to.include("## Cluster footprint\n\nFrom bench/footprint.md: dev reserves 1 CPU\n\n## Image sizes");
    const again = withFootprintSection(first, "dev reserves 2 CPU\n");
    expect(again).to.include("From bench/footprint.md: dev reserves 2 CPU\n\n## Image sizes");
    expect(again).not.to.include("1 CPU");
    expect(again.replace("2 CPU", "1 CPU")).to.equal(first);
    const without = renderResults(report({ ratio: 0.9, coldMs: 200, rss: 55 }));
    expect(without).to.include("See bench/footprint.md (`npm run bench:footprint`).");
    expect(withFootprintSection(without, "x\n")).to.include("## Cluster footprint\n\nFrom bench/footprint.md: x\n\n## Image sizes");
  });
});
