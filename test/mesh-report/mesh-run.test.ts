/**
 * The mesh report's orchestration against a fake cluster that records every
 * call: the order of phases, resuming after an interruption (a new run on the
 * saved state file picks up where the first stopped), and cleanup (destroy
 * and the leftover check) when a phase fails.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MeshCluster } from "../../scripts/mesh-report/mesh-cluster";
import { runMeshReport, type RunDeps } from "../../scripts/mesh-report/mesh-run";
import type { PhaseLine } from "../../scripts/mesh-report/phase-line";
import { openState, readState, writeState, type RunPlan, type RunState, type StackName } from "../../scripts/mesh-report/run-state";

const PLAN: RunPlan = { stacks: ["dev", "istio", "linkerd"], rates: [50, 200], rounds: 2, roundSeconds: 60, warmupSeconds: 30, settleSeconds: 15 };

interface Fake {
  readonly calls: string[];
  /** Fails the call whose name (e.g. "istio:setRate 200") is given, once. */
  failOn?: string;
  /** Aborts the run's signal when this call is made (as Ctrl-C would, mid-phase). */
  interruptOn?: string;
  leftoversAfterDestroy?: string[];
}

function fakeDeps(fake: Fake, file: string, controller: AbortController): RunDeps {
  let clock = Date.UTC(2026, 0, 1);
  const call = async (name: string, signal?: AbortSignal) => {
    fake.calls.push(name);
    clock += 1000;
    if (fake.interruptOn === name) {
      controller.abort();
      signal?.throwIfAborted();
    }
    if (fake.failOn === name) {
      fake.failOn = undefined;
      throw new Error(`${name} broke`);
    }
  };
  const cluster: MeshCluster = {
    describe: async () => {
      await call("describe");
      return { label: "fake", host: { cpuModel: "fake", cpus: 1, memoryBytes: 1, platform: "linux", release: "0" }, nodes: [] };
    },
    up: (s, rate, signal) => call(`${s}:up ${rate}`, signal),
    waitReady: (s, signal) => call(`${s}:waitReady`, signal),
    setRate: (s, rate, signal) => call(`${s}:setRate ${rate}`, signal),
    prometheus: async (s, signal) => {
      await call(`${s}:prometheus`, signal);
      return { url: `http://prometheus.${s}`, close: () => call(`${s}:close`) };
    },
    destroy: (s) => call(`${s}:destroy`),
    leftovers: async (s) => {
      await call(`${s}:leftovers`);
      return fake.leftoversAfterDestroy ?? [];
    },
  };
  const line: PhaseLine = { start: () => undefined, end: () => undefined };
  return {
    cluster,
    collect: async (url, stack, w) => {
      await call(`${stack}:collect ${w.offeredRps} from ${url}`);
      return { end: w.end, windowS: w.windowS, offeredRps: w.offeredRps, achievedRps: w.offeredRps, errorRatio: 0, journeys: {}, hops: {}, resources: {}, queries: {} };
    },
    sleep: async (ms, signal) => {
      signal.throwIfAborted();
      clock += ms;
    },
    now: () => clock,
    line,
    save: (state: RunState) => writeState(file, state),
    signal: controller.signal,
  };
}

/** The calls one whole stack makes with PLAN, in order. */
function wholeStack(s: StackName): string[] {
  return [
    `${s}:up 50`, `${s}:waitReady`, `${s}:prometheus`,
    `${s}:collect 50 from http://prometheus.${s}`, `${s}:collect 50 from http://prometheus.${s}`,
    `${s}:setRate 200`, `${s}:collect 200 from http://prometheus.${s}`, `${s}:collect 200 from http://prometheus.${s}`,
    `${s}:close`, `${s}:destroy`, `${s}:leftovers`,
  ];
}

describe("mesh report: the run's phases against a fake cluster", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mesh-run-"));
    file = join(dir, "state.json");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (fake: Fake) => {
    const controller = new AbortController();
    return runMeshReport(openState(file, PLAN, new Date(0)), fakeDeps(fake, file, controller));
  };

  it("runs every stack in turn: up until ready, each rate's rounds, close, destroy, leftover check", async () => {
    const fake: Fake = { calls: [] };
    expect(await run(fake)).to.deep.equal({ outcome: "complete" });
    expect(fake.calls).to.deep.equal(["describe", ...wholeStack("dev"), ...wholeStack("istio"), ...wholeStack("linkerd")]);
    const state = readState(file, PLAN);
    for (const s of PLAN.stacks) {
      expect(state.stacks[s]!.status, s).to.equal("destroyed");
      expect(state.stacks[s]!.rates["50"]).to.have.length(2);
      expect(state.stacks[s]!.rates["200"]).to.have.length(2);
      expect(state.stacks[s]!.leftovers).to.deep.equal([]);
      // up: the up and waitReady calls, 1 s each on the fake clock
      expect(state.stacks[s]!.upSeconds).to.equal(2);
      expect(state.stacks[s]!.destroySeconds).to.equal(1);
    }
    // each round covers its window: end - start of the sleep is roundSeconds
    const rounds = state.stacks.dev!.rates["50"]!;
    expect(rounds[1]!.end - rounds[0]!.end).to.be.at.least(PLAN.roundSeconds);
  });

  it("resumes after an interruption: a second run on the state file does only what is left, then the rest", async () => {
    const first: Fake = { calls: [], interruptOn: "istio:setRate 200" };
    expect(await run(first)).to.deep.equal({ outcome: "interrupted", stack: "istio" });
    expect(first.calls).to.not.include("istio:destroy");
    const saved = readState(file, PLAN);
    expect(saved.stacks.dev!.status).to.equal("destroyed");
    expect(saved.stacks.istio!.status).to.equal("up");
    expect(saved.stacks.istio!.rates["50"]).to.have.length(2);

    const second: Fake = { calls: [] };
    expect(await run(second)).to.deep.equal({ outcome: "complete" });
    expect(second.calls).to.deep.equal([
      "istio:waitReady", "istio:prometheus",
      "istio:setRate 200", "istio:collect 200 from http://prometheus.istio", "istio:collect 200 from http://prometheus.istio",
      "istio:close", "istio:destroy", "istio:leftovers",
      ...wholeStack("linkerd"),
    ]);
    const state = readState(file, PLAN);
    expect(state.stacks.istio!.rates["50"]).to.deep.equal(saved.stacks.istio!.rates["50"]);
    expect(state.stacks.istio!.rates["200"]).to.have.length(2);
  });

  it("a failing phase: records it, destroys the stack, checks it clean, goes on with the next stack", async () => {
    const fake: Fake = { calls: [], failOn: "istio:setRate 200" };
    expect(await run(fake)).to.deep.equal({ outcome: "complete" });
    const istio = fake.calls.filter((c) => c.startsWith("istio:"));
    expect(istio.slice(-3)).to.deep.equal(["istio:close", "istio:destroy", "istio:leftovers"]);
    expect(fake.calls.indexOf("linkerd:up 50")).to.be.greaterThan(fake.calls.indexOf("istio:leftovers"));
    const state = readState(file, PLAN);
    expect(state.stacks.istio!.status).to.equal("failed");
    expect(state.stacks.istio!.failure).to.deep.equal({ phase: "istio: 200 requests/s, warm-up", message: "istio:setRate 200 broke" });
    expect(state.stacks.istio!.leftovers).to.deep.equal([]);
    expect(state.stacks.linkerd!.status).to.equal("destroyed");
  });

  it("a failing pulumi up is destroyed too (a half-created stack is still a stack)", async () => {
    const fake: Fake = { calls: [], failOn: "dev:waitReady" };
    expect(await run(fake)).to.deep.equal({ outcome: "complete" });
    expect(fake.calls.slice(0, 5)).to.deep.equal(["describe", "dev:up 50", "dev:waitReady", "dev:destroy", "dev:leftovers"]);
    expect(readState(file, PLAN).stacks.dev!.upSeconds).to.equal(undefined);
  });

  it("stops when the cluster is not clean after a destroy: the next stack never comes up on it", async () => {
    const fake: Fake = { calls: [], leftoversAfterDestroy: ["namespaces of the program: meshmart"] };
    expect(await run(fake)).to.deep.equal({ outcome: "stopped", stack: "dev", reason: "left behind after destroy: namespaces of the program: meshmart" });
    expect(fake.calls.some((c) => c.startsWith("istio:"))).to.equal(false);
  });

  it("a failed cleanup stops the run and is finished on resume", async () => {
    const fake: Fake = { calls: [], failOn: "dev:prometheus" };
    // the destroy after the failure fails as well
    const original = fake.calls;
    const controller = new AbortController();
    const deps = fakeDeps(fake, file, controller);
    const destroy = deps.cluster.destroy;
    let broken = true;
    const cluster = { ...deps.cluster, destroy: async (s: StackName) => { await destroy(s); if (broken) throw new Error("destroy timed out"); } };
    const outcome = await runMeshReport(openState(file, PLAN, new Date(0)), { ...deps, cluster });
    expect(outcome).to.deep.include({ outcome: "stopped", stack: "dev" });
    expect(original).to.not.include("istio:up 50");
    broken = false;
    const again: Fake = { calls: [] };
    expect(await run(again)).to.deep.equal({ outcome: "complete" });
    expect(again.calls.slice(0, 2)).to.deep.equal(["dev:destroy", "dev:leftovers"]);
    expect(readState(file, PLAN).stacks.dev!.failure!.message).to.contain("dev:prometheus broke");
  });

  it("refuses a state file of another plan, and one that is not a state file, naming the file", () => {
    writeState(file, openState(file, PLAN, new Date(0)));
    expect(() => openState(file, { ...PLAN, rates: [50] }, new Date(0))).to.throw(`${file} belongs to another plan`);
    writeState(file, { nonsense: true } as unknown as RunState);
    expect(() => openState(file, PLAN, new Date(0))).to.throw(`${file} is not a mesh-report state file`);
  });
});
