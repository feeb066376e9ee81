#!/usr/bin/env node
// Scores a sampled Stryker run (MESHMART_MUTANT_SAMPLE, test/infra/support/mutant-sample.mjs):
//
//   node scripts/mutation-sample-score.mjs <report.json> <rate[:seed]> [root]
//
// <report.json> is Stryker's JSON report or the run's incremental file (the
// same schema); <root> is the tree that was mutated (default: here), whose
// files must be those of the run. Each file is parsed again as Stryker parses
// it to learn every mutant's stratum: the census (all tested) or a cluster
// (drawn with the rate). Per folder it prints the estimated score, killed
// (and timed out) over killed and survived, with the clusters weighed by
// 1/rate, and a 95% interval from resampling the drawn clusters; then every
// surviving mutant, for triage. Compile errors are left out, as Stryker does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Instrumenter } from "@stryker-mutator/instrumenter";
import { seededRandom } from "../services/kit/faults.ts";
import { parseSample, placeKeyOfReported, sampleIgnorer } from "../test/infra/support/mutant-sample.mjs";

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const quiet = { debug() {}, info() {}, trace() {}, warn: console.warn, error: console.error, isDebugEnabled: () => false, isTraceEnabled: () => false };

/** The stratum of every mutable place in one file, as the ignorer planned it. */
async function strataOf(sample, root, file) {
  const ignorer = sampleIgnorer(sample);
  const content = readFileSync(join(root, file), "utf8");
  await new Instrumenter(quiet).instrument([{ name: join(root, file), mutate: true, content }], { ignorers: [ignorer], excludedMutations: [], plugins: null });
  return ignorer;
}

/** The folder a file is scored under: stacks/config.ts on its own, the rest by their first two segments. */
export function folderOf(file) {
  if (file === "stacks/config.ts") return file;
  const parts = file.split("/");
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : `${parts[0]}/`;
}

/** Estimated score of a group: census counts plus the drawn clusters' counts over the rate; and a 95% interval by resampling the clusters. */
export function estimate(group, rate, rounds = 2000) {
  const totals = (clusters) => {
    let killed = group.census.killed;
    let survived = group.census.survived;
    for (const c of clusters) {
      killed += c.killed / rate;
      survived += c.survived / rate;
    }
    return { killed, survived, score: killed + survived === 0 ? NaN : killed / (killed + survived) };
  };
  const clusters = [...group.clusters.values()];
  const point = totals(clusters);
  // The kit's seeded generator, so the intervals are the same on every run.
  const random = seededRandom(20261129);
  const scores = [];
  for (let round = 0; round < rounds && clusters.length > 0; round++) {
    scores.push(totals(clusters.map(() => clusters[Math.floor(random() * clusters.length)])).score);
  }
  scores.sort((a, b) => a - b);
  const low = scores.length ? scores[Math.floor(0.025 * scores.length)] : point.score;
  const high = scores.length ? scores[Math.ceil(0.975 * scores.length) - 1] : point.score;
  return { point: point.score, low, high, killed: point.killed, survived: point.survived };
}

async function main() {
  const [reportPath, sampleText, root = process.cwd()] = process.argv.slice(2);
  if (!reportPath || !sampleText) {
    console.error("usage: node scripts/mutation-sample-score.mjs <report.json> <rate[:seed]> [root]");
    process.exit(2);
  }
  const sample = parseSample(sampleText);
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  const groups = new Map();
  const survivors = [];
  const inconsistent = [];
  /** The sample as the report holds it: its mutants by status, how many in the census, and the drawn clusters that hold one. */
  const inSampleByStatus = new Map();
  const clustersHolding = new Set();
  let censusMutants = 0;
  const group = (name) => {
    if (!groups.has(name)) groups.set(name, { census: { killed: 0, survived: 0 }, clusters: new Map(), tested: 0, compileErrors: 0, ignored: 0 });
    return groups.get(name);
  };
  for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const { strata, drawnClusters } = await strataOf(sample, root, file);
    for (const mutant of mutants) {
      const place = placeKeyOfReported(mutant.location);
      const stratum = strata.get(place);
      const inSample = stratum === "census" || drawnClusters.has(stratum);
      const cluster = `${file}:${stratum}`; // a cluster's key is its place: unique in its file only
      if (inSample) {
        inSampleByStatus.set(mutant.status, (inSampleByStatus.get(mutant.status) ?? 0) + 1);
        if (stratum === "census") censusMutants++;
        else clustersHolding.add(cluster);
      }
      for (const name of [folderOf(file), "all"]) {
        const g = group(name);
        if (stratum === undefined || inSample === (mutant.status === "Ignored")) {
          if (name === "all") inconsistent.push(`${file}:${place} (${mutant.status}): stratum ${stratum ?? "none"}`);
          continue;
        }
        if (mutant.status === "Ignored") {
          g.ignored++;
          continue;
        }
        if (mutant.status === "CompileError" || mutant.status === "RuntimeError") {
          g.compileErrors++;
          continue;
        }
        if (!DETECTED.has(mutant.status) && !UNDETECTED.has(mutant.status)) {
          if (name === "all") inconsistent.push(`${file}:${place}: status ${mutant.status}`);
          continue;
        }
        g.tested++;
        const counts =
          stratum === "census"
            ? g.census
            : g.clusters.get(cluster) ?? g.clusters.set(cluster, { killed: 0, survived: 0 }).get(cluster);
        if (DETECTED.has(mutant.status)) counts.killed++;
        else counts.survived++;
      }
      if (UNDETECTED.has(mutant.status)) {
        survivors.push(`${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName}: ${JSON.stringify(mutant.replacement ?? "")} (${stratum === "census" ? "census" : "cluster"})`);
      }
    }
  }
  const sampled = [...inSampleByStatus.values()].reduce((total, n) => total + n, 0);
  const statuses = [...inSampleByStatus].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status} ${n}`).join(", ");
  console.log(`Sample ${sample.rate}:${sample.seed}, report ${reportPath}`);
  console.log(`${sampled} mutants in the sample (${censusMutants} in the census, the rest in ${clustersHolding.size} drawn clusters): ${statuses}\n`);
  console.log("| folder | tested | compile errors | killed / survived (census) | drawn clusters: killed / survived | estimated score | 95% interval |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const [name, g] of [...groups].sort(([a], [b]) => (a === "all" ? 1 : b === "all" ? -1 : a.localeCompare(b)))) {
    const e = estimate(g, sample.rate);
    const sum = (key) => [...g.clusters.values()].reduce((total, c) => total + c[key], 0);
    const pct = (x) => (Number.isNaN(x) ? "n/a" : `${(100 * x).toFixed(1)}%`);
    console.log(
      `| ${name === "all" ? "**all**" : `\`${name}\``} | ${g.tested} | ${g.compileErrors} | ${g.census.killed} / ${g.census.survived} | ${g.clusters.size}: ${sum("killed")} / ${sum("survived")} | ${pct(e.point)} | ${pct(e.low)}–${pct(e.high)} |`,
    );
  }
  console.log(`\nSurvivors (${survivors.length}):`);
  for (const line of survivors) console.log(`- ${line}`);
  if (inconsistent.length > 0) {
    console.error(`\n${inconsistent.length} mutant(s) do not fit the sample's plan (is <root> the tree that was mutated?):`);
    for (const line of inconsistent.slice(0, 20)) console.error(`- ${line}`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
