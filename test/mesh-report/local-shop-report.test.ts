/**
 * The mesh report end to end on what runs here: the real run (mesh-run.ts)
 * against the local shop playing the cluster (support/local-shop-cluster.ts:
 * the shop started and stopped for real, the load generator at each rate,
 * the harness's real Prometheus scraping it), with the same queries and
 * collector a cluster run uses; then the report drawn from the state file
 * that run recorded, charts by Chart.js in chromium.
 *
 * - the per-journey and per-hop latency, rate and error queries return data;
 * - the cluster-only ones (cAdvisor) evaluate without error on this
 *   Prometheus, return nothing here, and name only upstream's metrics and
 *   labels (support/cadvisor-series.ts);
 * - istio and linkerd fail at `up` here (no mesh), are destroyed and checked,
 *   and the report says so;
 * - mesh-report.md has one PNG per figure, each a real PNG of the chart's size.
 */
import { expect } from "chai";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { JOURNEYS } from "../../infra/observability/slo";
import { runMeshReport } from "../../scripts/mesh-report/mesh-run";
import { roundQueries } from "../../scripts/mesh-report/mesh-promql";
import { collectRound } from "../../scripts/mesh-report/round-collector";
import { newState, readState, writeState, type RunPlan, type RunState } from "../../scripts/mesh-report/run-state";
import { writeReport } from "../../scripts/mesh-report/write-mesh-report";
import { SERVICES, SERVICE_NAMES } from "../../services/topology";
import { referencedNames } from "../observability/support/upstream-series";
import { CADVISOR_JOB, CADVISOR_PATH, CADVISOR_SERIES, UPSTREAM_PROXY_CONTAINERS } from "./support/cadvisor-series";
import { LOCAL_LABEL, LOCAL_NAMESPACES, LocalShopCluster } from "./support/local-shop-cluster";

/** Where the recorded run and its report stay after the test (test-output/ is not committed). */
export const OUT = join(__dirname, "..", "..", "test-output", "mesh-report");
const PLAN: RunPlan = { stacks: ["dev", "istio", "linkerd"], rates: [20, 40], rounds: 2, roundSeconds: 4, warmupSeconds: 1, settleSeconds: 1.5 };

describe("mesh report on the local shop: real queries, a recorded run, the report from it", function () {
  this.timeout(120_000);
  let state: RunState;
  let outcome: Awaited<ReturnType<typeof runMeshReport>>;
  const stateFile = join(OUT, "mesh-report-state.json");

  before(async function () {
    this.timeout(120_000);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const cluster = new LocalShopCluster();
    const fresh = newState(PLAN, new Date());
    outcome = await runMeshReport(fresh, {
      cluster,
      collect: (url, _stack, window) => collectRound(url, LOCAL_NAMESPACES, window),
      sleep: (ms, signal) => sleep(ms, undefined, { signal }),
      now: Date.now,
      line: { start: () => undefined, end: () => undefined },
      save: (s) => writeState(stateFile, s),
      signal: new AbortController().signal,
    });
    // what the report reads: the file, not the object in memory
    state = readState(stateFile, PLAN);
  });

  it("completes: dev measured, destroyed and clean; the meshes fail at up here and are cleaned up", () => {
    expect(outcome).to.deep.equal({ outcome: "complete" });
    expect(state.stacks.dev!.status).to.equal("destroyed");
    expect(state.stacks.dev!.leftovers).to.deep.equal([]);
    expect(state.stacks.dev!.upSeconds).to.be.greaterThan(0);
    for (const mesh of ["istio", "linkerd"]) {
      expect(state.stacks[mesh]!.failure).to.deep.equal({ phase: `${mesh}: pulumi up until every workload is ready`, message: `the local shop has no ${mesh} mesh` });
      expect(state.stacks[mesh]!.leftovers).to.deep.equal([]);
    }
  });

  it("the journeys' and the hops' queries return data in every round", () => {
    for (const rate of PLAN.rates) {
      const rounds = state.stacks.dev!.rates[String(rate)]!;
      expect(rounds, `${rate}/s`).to.have.length(PLAN.rounds);
      for (const r of rounds) {
        expect(r.achievedRps, `${rate}/s achieved`).to.be.a("number").greaterThan(0);
        expect(r.errorRatio, `${rate}/s errors`).to.be.a("number");
        for (const j of JOURNEYS) {
          const f = r.journeys[j.name]!;
          for (const k of ["p50Ms", "p99Ms", "rps", "errorRatio"] as const) expect(f[k], `${rate}/s ${j.name} ${k}`).to.be.a("number");
          expect(f.p99Ms!).to.be.at.least(f.p50Ms!);
        }
        // the hops the load generator's journeys must cause (services/topology.ts calls), each with figures
        for (const hop of ["gateway → catalog", "gateway → cart", "cart → catalog", "cart → payment", "cart → orders"]) {
          const f = r.hops[hop];
          expect(f, `${rate}/s ${hop}: ${Object.keys(r.hops).join(", ")}`).to.not.equal(undefined);
          for (const k of ["p50Ms", "p99Ms", "rps"] as const) expect(f![k], `${rate}/s ${hop} ${k}`).to.be.a("number");
        }
        // and nothing that is not an edge of the topology
        for (const hop of Object.keys(r.hops)) {
          const [caller, upstream] = hop.split(" → ") as [string, string];
          expect(SERVICE_NAMES as readonly string[], hop).to.include(caller);
          expect(SERVICES[caller as (typeof SERVICE_NAMES)[number]].calls as readonly string[], hop).to.include(upstream);
        }
      }
    }
  });

  it("the cluster-only queries evaluated here (else the round would have failed), found nothing, and name only upstream's series and labels", () => {
    const round = state.stacks.dev!.rates[String(PLAN.rates[0])]![0]!;
    for (const [group, usage] of Object.entries(round.resources)) expect(usage, group).to.deep.equal({ cpuCores: null, memoryBytes: null });
    const cluster = roundQueries(LOCAL_NAMESPACES, 120).filter((q) => q.where === "cluster");
    expect(cluster.length).to.be.greaterThan(0);
    for (const q of cluster) {
      const { metrics, labels } = referencedNames(q.expr);
      expect(metrics.length, q.name).to.be.greaterThan(0);
      for (const m of metrics) {
        expect(CADVISOR_SERIES, `${q.name}: ${m}`).to.have.property(m);
        for (const l of labels) expect(CADVISOR_SERIES[m], `${q.name}: label ${l}`).to.include(l);
      }
      expect(q.expr, q.name).to.contain(CADVISOR_JOB).and.contain(CADVISOR_PATH);
    }
    const proxies = cluster.find((q) => q.name === "cpu:proxies")!.expr;
    for (const c of UPSTREAM_PROXY_CONTAINERS) expect(proxies).to.contain(c);
  });

  it("the report from the recorded run: the stacks side by side, one PNG per figure, spread and run counts, what it cannot separate", async function () {
    this.timeout(90_000);
    const written = await writeReport(state, OUT);
    const md = readFileSync(written.markdown, "utf8");
    const figures = [...md.matchAll(/^### Figure (\d+): /gm)].map((m) => Number(m[1]));
    const images = [...md.matchAll(/^!\[Figure (\d+):[^\]]*\]\((charts\/[^)]+\.png)\)$/gm)];
    expect(figures.length).to.be.greaterThan(0);
    expect(images.map((m) => Number(m[1]))).to.deep.equal(figures);
    expect(readdirSync(join(OUT, "charts")).sort()).to.deep.equal(images.map((m) => m[2]!.slice("charts/".length)).sort());
    for (const [, , file] of images) {
      const png = readFileSync(join(OUT, file!));
      expect(png.subarray(0, 8).toString("hex"), file).to.equal("89504e470d0a1a0a");
      // IHDR: width and height, big-endian, at bytes 16 and 20
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], file).to.deep.equal([960, 480]);
    }
    // a journey figure per public journey, a hop figure per rate
    for (const j of JOURNEYS) expect(md).to.contain(`${j.title}: p50 and p99 latency by offered rate`);
    for (const r of PLAN.rates) expect(md).to.contain(`each hop's p99 at ${r} requests/s offered`);
    expect(md).to.contain(LOCAL_LABEL);
    expect(md).to.contain(`n=${PLAN.rounds}`);
    expect(md).to.match(/\| istio \| failed at "istio: pulumi up until every workload is ready": the local shop has no istio mesh \|/);
    expect(md).to.contain("mTLS from the proxy");
    expect(md).to.contain(`| rate | dev | istio | linkerd | p99 istio vs dev | p99 linkerd vs dev |`);
    // a journey's p99 median as the state file has it appears in its table
    const p99s = state.stacks.dev!.rates[String(PLAN.rates[0])]!.map((r) => r.journeys.checkout!.p99Ms!).sort((a, b) => a - b);
    const median = (p99s[0]! + p99s[1]!) / 2;
    expect(md).to.contain(`p99 ${median >= 100 ? median.toFixed(0) : median.toFixed(1)} ms (`);
    expect(existsSync(join(OUT, "mesh-report.md"))).to.equal(true);
  });
});
