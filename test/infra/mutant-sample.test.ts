// The sample a mutation run can test instead of every mutant
// (test/infra/support/mutant-sample.mjs): run through Stryker's own
// instrumenter, as `stryker run` does, over files of this repository.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import type * as SampleModule from "./support/mutant-sample.mjs";
import type * as ScoreModule from "../../scripts/mutation-sample-score.mjs";

// Stryker's packages are ES modules only (weapon-regex exports "import" alone), so
// these modules are imported as ES modules, not required as this file is.
let sampling: typeof SampleModule;
let scoring: typeof ScoreModule;
let Instrumenter: typeof import("@stryker-mutator/instrumenter").Instrumenter;
before(async () => {
  sampling = await import("./support/mutant-sample.mjs");
  scoring = await import("../../scripts/mutation-sample-score.mjs");
  ({ Instrumenter } = await import("@stryker-mutator/instrumenter"));
});

const root = join(__dirname, "..", "..");
const quiet = {
  debug() {},
  info() {},
  trace() {},
  warn() {},
  error() {},
  isDebugEnabled: () => false,
  isTraceEnabled: () => false,
};
const FILES = ["infra/authz/graph.ts", "infra/workload/spec.ts", "stacks/config.ts"];

type Sample = ReturnType<typeof SampleModule.parseSample>;

/** Instruments one file with the sample's ignorer; returns its mutants with their place and the ignorer's plan. */
async function instrument(file: string, sample: Sample) {
  const ignorer = sampling.sampleIgnorer(sample);
  const content = readFileSync(join(root, file), "utf8");
  const { mutants } = await new Instrumenter(quiet as never).instrument(
    [{ name: join(root, file), mutate: true, content }],
    { ignorers: [ignorer], excludedMutations: [], plugins: null } as never,
  );
  return {
    ignorer,
    mutants: mutants.map((m) => ({
      ignored: m.status === "Ignored",
      // The instrumenter's API gives 0-based lines and columns; the report adds one to both.
      place: sampling.placeKeyOfReported({
        start: { line: m.location.start.line + 1, column: m.location.start.column + 1 },
        end: { line: m.location.end.line + 1, column: m.location.end.column + 1 },
      }),
      mutator: m.mutatorName,
    })),
  };
}

describe("mutation sample (MESHMART_MUTANT_SAMPLE)", function () {
  this.timeout(60_000);

  it("reads a rate and an optional seed, and refuses anything else with the variable's name", () => {
    expect(sampling.parseSample(undefined)).to.equal(undefined);
    expect(sampling.parseSample("")).to.equal(undefined);
    expect(sampling.parseSample("0.15")).to.deep.equal({ rate: 0.15, seed: "meshmart" });
    expect(sampling.parseSample("1:night-2")).to.deep.equal({ rate: 1, seed: "night-2" });
    for (const bad of ["0", "-0.1", "1.5", "abc", " ", "0.1:a:b", "NaN"]) {
      expect(() => sampling.parseSample(bad), bad).to.throw(/MESHMART_MUTANT_SAMPLE must be a rate in \(0, 1\]/);
    }
  });

  it("ignores nothing when sampling is off", async () => {
    for (const file of FILES) {
      const { mutants } = await instrument(file, undefined);
      expect(mutants.length, file).to.be.greaterThan(50);
      expect(mutants.filter((m) => m.ignored), file).to.deep.equal([]);
    }
  });

  it("tests the census and the drawn clusters, and ignores exactly the clusters not drawn", async () => {
    const sample = sampling.parseSample("0.2");
    let census = 0;
    let inDrawn = 0;
    let inUndrawn = 0;
    for (const file of FILES) {
      const { mutants, ignorer } = await instrument(file, sample);
      for (const m of mutants) {
        const stratum = ignorer.strata.get(m.place);
        expect(stratum, `${file} ${m.place}`).to.be.a("string");
        const tested = stratum === "census" || ignorer.drawnClusters.has(stratum!);
        expect(m.ignored, `${file} ${m.place} ${m.mutator} (${stratum})`).to.equal(!tested);
        if (stratum === "census") census++;
        else if (tested) inDrawn++;
        else inUndrawn++;
      }
    }
    // Each stratum is there: the sample neither tests everything nor only the census.
    const counts = `${census} census, ${inDrawn} drawn, ${inUndrawn} not`;
    expect(census, counts).to.be.greaterThan(0);
    expect(inDrawn, counts).to.be.greaterThan(0);
    expect(inUndrawn, counts).to.be.greaterThan(2 * inDrawn);
  });

  it("draws about the rate of the clusters, the same ones on every run, other ones with another seed", async () => {
    const drawnOf = async (text: string) => {
      const drawn: string[] = [];
      let clusters = 0;
      for (const file of FILES) {
        const { ignorer } = await instrument(file, sampling.parseSample(text));
        clusters += new Set([...ignorer.strata.values()].filter((s) => s !== "census")).size;
        drawn.push(...[...ignorer.drawnClusters].map((c) => `${file}:${c}`));
      }
      return { drawn: drawn.sort(), clusters };
    };
    const first = await drawnOf("0.25");
    const again = await drawnOf("0.25");
    const other = await drawnOf("0.25:another");
    expect(first.clusters).to.be.greaterThan(150);
    const share = first.drawn.length / first.clusters;
    expect(share).to.be.within(0.17, 0.33);
    expect(again.drawn).to.deep.equal(first.drawn);
    expect(other.drawn).to.not.deep.equal(first.drawn);
    const all = await drawnOf("1");
    expect(all.drawn.length).to.equal(all.clusters);
  });

  it("makes clusters of at most CLUSTER_SIZE nodes, and keeps the census small", async () => {
    const { mutants, ignorer } = await instrument("infra/workload/spec.ts", sampling.parseSample("0.2"));
    const census = mutants.filter((m) => ignorer.strata.get(m.place) === "census").length;
    expect(census / mutants.length).to.be.below(0.25);
    expect(sampling.CLUSTER_SIZE).to.equal(120);
  });

  it("refuses a sampled run that would write into another run's incremental file, naming the file to use", () => {
    const sample = sampling.parseSample("0.15");
    expect(sampling.sampleIncrementalFile(sample!)).to.equal("test-output/stryker/incremental-sample-0.15-meshmart.json");
    expect(() => sampling.checkIncrementalFile(sample, { incremental: true, incrementalFile: "test-output/stryker/incremental.json" })).to.throw(
      "add --incrementalFile test-output/stryker/incremental-sample-0.15-meshmart.json",
    );
    expect(() =>
      sampling.checkIncrementalFile(sample, { incremental: true, incrementalFile: "test-output/stryker/incremental-sample-0.15-meshmart.json" }),
    ).to.not.throw();
    expect(() => sampling.checkIncrementalFile(sample, { incremental: false, incrementalFile: "x.json" })).to.not.throw();
    expect(() => sampling.checkIncrementalFile(undefined, { incremental: true, incrementalFile: "x.json" })).to.not.throw();
  });

  it("reads a report's 1-based places as babel's", () => {
    expect(sampling.placeKey({ line: 3, column: 0 }, { line: 4, column: 7 })).to.equal("3:0-4:7");
    expect(sampling.placeKeyOfReported({ start: { line: 3, column: 1 }, end: { line: 4, column: 8 } })).to.equal("3:0-4:7");
  });
});

describe("mutation sample score (scripts/mutation-sample-score.mjs)", () => {
  it("adds the census to the drawn clusters weighed by one over the rate", () => {
    const group = {
      census: { killed: 10, survived: 0 },
      clusters: new Map([
        ["a", { killed: 3, survived: 1 }],
        ["b", { killed: 4, survived: 0 }],
      ]),
    };
    const e = scoring.estimate(group, 0.25);
    // killed 10 + 7 × 4 = 38; survived 0 + 1 × 4 = 4
    expect(e.killed).to.equal(38);
    expect(e.survived).to.equal(4);
    expect(e.point).to.be.closeTo(38 / 42, 1e-12);
    expect(e.low).to.be.at.most(e.point);
    expect(e.high).to.be.at.least(e.point);
    // The worst resample draws cluster a twice: killed 10 + 6 × 4, survived 2 × 4.
    expect(e.low).to.be.closeTo(34 / 42, 1e-12);
    expect(e.high).to.equal(1);
  });

  it("counts a cluster of one file apart from a cluster at the same place in another", async () => {
    // Two files alike: their one statement is a cluster at the same place (1:0-1:24) in each.
    const tree = mkdtempSync(join(tmpdir(), "meshmart-sample-score-"));
    try {
      mkdirSync(join(tree, "infra/x"), { recursive: true });
      for (const f of ["a.ts", "b.ts"]) writeFileSync(join(tree, "infra/x", f), "export const a = [1, 2];\n");
      const at = { start: { line: 1, column: 18 }, end: { line: 1, column: 24 } }; // the array, 1-based as Stryker reports it
      const report = {
        files: {
          "infra/x/a.ts": { mutants: [{ id: "1", mutatorName: "ArrayDeclaration", replacement: "[]", location: at, status: "Killed" }] },
          "infra/x/b.ts": { mutants: [{ id: "2", mutatorName: "ArrayDeclaration", replacement: "[]", location: at, status: "Survived" }] },
        },
      };
      writeFileSync(join(tree, "report.json"), JSON.stringify(report));
      const { stdout } = await promisify(execFile)(process.execPath, [join(root, "scripts/mutation-sample-score.mjs"), join(tree, "report.json"), "1:any", tree]);
      expect(stdout).to.include("2 mutants in the sample (0 in the census, the rest in 2 drawn clusters): Killed 1, Survived 1");
      // Two clusters, one killed and one survived: resampling them gives 0% to 100%.
      expect(stdout).to.include("| **all** | 2 | 0 | 0 / 0 | 2: 1 / 1 | 50.0% | 0.0%–100.0% |");
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  it("scores stacks/config.ts on its own and the rest by folder", () => {
    expect(scoring.folderOf("stacks/config.ts")).to.equal("stacks/config.ts");
    expect(scoring.folderOf("stacks/istio.ts")).to.equal("stacks/");
    expect(scoring.folderOf("infra/workload/spec.ts")).to.equal("infra/workload/");
    expect(scoring.folderOf("infra/shop-redis.ts")).to.equal("infra/");
  });
});
