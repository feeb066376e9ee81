// A Stryker ignorer that tests a seeded random sample of the mutants
// (MESHMART_MUTANT_SAMPLE=<rate>[:<seed>], e.g. 0.15 or 0.15:meshmart), so that
// a score over thousands of mutants can be estimated in the hours a night has
// (bench/mutation.md, "Sampled runs"). Unset, it ignores nothing.
//
// Stryker ignores a node together with everything inside it (its
// IgnorerBookkeeper), so single mutants cannot be drawn; clusters are. A
// cluster is a syntax node of at most CLUSTER_SIZE nodes whose parent is larger:
// a drawn cluster is tested whole, an undrawn one ignored whole. A cluster is
// drawn when the SHA-256 of the seed, its file (Stryker's ignorers are not
// told the file's name, so a digest of its comments and length stands for it)
// and its place (start and end line:column) falls under the rate. The few nodes above the clusters (a
// function's body, a large object) each hold many nodes, so all of them are
// tested: that is the census stratum. scripts/mutation-sample-score.mjs
// weighs the clusters' results by 1/rate and adds the census.
import { createHash } from "node:crypto";
import { PluginKind, commonTokens, declareFactoryPlugin } from "@stryker-mutator/api/plugin";

/** The largest cluster, in syntax nodes (a statement, a small object literal, an argument list). */
export const CLUSTER_SIZE = 120;

/** The sample asked for: `rate[:seed]`, or undefined when sampling is off. */
export function parseSample(text) {
  if (text === undefined || text === "") return undefined;
  const [rateText, seed = "meshmart", ...rest] = text.split(":");
  const rate = Number(rateText);
  if (rest.length > 0 || rateText.trim() === "" || !(rate > 0 && rate <= 1)) {
    throw new Error(`MESHMART_MUTANT_SAMPLE must be a rate in (0, 1], optionally followed by :seed; got "${text}"`);
  }
  return { rate, seed };
}

/** A node's place in its file, as babel gives it: 1-based lines, 0-based columns. */
export function placeKey(start, end) {
  return `${start.line}:${start.column}-${end.line}:${end.column}`;
}

/** The same place for a mutant in Stryker's JSON report (mutation-testing-report-schema: 1-based lines and columns). */
export function placeKeyOfReported(location) {
  return placeKey(
    { line: location.start.line, column: location.start.column - 1 },
    { line: location.end.line, column: location.end.column - 1 },
  );
}

/** What stands for the file's name in the draw: a digest of the file's comments and length. */
function fileDigest(file) {
  const hash = createHash("sha256").update(String(file.end));
  for (const comment of file.comments ?? []) hash.update(`\0${comment.value}`);
  return hash.digest("hex").slice(0, 16);
}

/** Whether the place with this key is drawn: the first 32 bits of SHA-256(seed, key), as a fraction, under the rate. */
export function drawn(sample, key) {
  const digest = createHash("sha256").update(`${sample.seed}\0${key}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < sample.rate;
}

function nodeKey(node) {
  return node.loc ? placeKey(node.loc.start, node.loc.end) : "";
}

/**
 * The plan for one program: each node's stratum, "census" or the key of the
 * cluster it belongs to, and which clusters are drawn.
 */
export function planProgram(sample, programPath) {
  const file = fileDigest(programPath.parent);
  const stratum = new Map();
  const drawnClusters = new Set();
  const top = { size: 0, children: [] };
  const frames = [top];
  programPath.traverse({
    enter(path) {
      frames.push({ node: path.node, size: 1, children: [] });
    },
    exit() {
      const frame = frames.pop();
      const parent = frames[frames.length - 1];
      parent.size += frame.size;
      parent.children.push(frame);
    },
  });
  const assign = (frame, cluster) => {
    let own = cluster;
    if (own === undefined && frame.size <= CLUSTER_SIZE) {
      own = nodeKey(frame.node);
      if (drawn(sample, `${file}:${own}`)) drawnClusters.add(own);
    }
    stratum.set(frame.node, own ?? "census");
    for (const child of frame.children) assign(child, own);
  };
  for (const child of top.children) assign(child, undefined);
  return { stratum, drawnClusters };
}

/** The ignorer for a sample: a cluster not drawn is ignored whole; the census and drawn clusters are tested. */
export function sampleIgnorer(sample) {
  const plans = new WeakMap();
  /** Every planned node's place → its stratum, for scoring a report afterwards (one file per ignorer there). */
  const strata = new Map();
  /** The clusters drawn, by place (one file per ignorer when scoring). */
  const drawnClusters = new Set();
  return {
    strata,
    drawnClusters,
    shouldIgnore(path) {
      if (sample === undefined || path.isProgram()) return undefined;
      const program = path.findParent((parent) => parent.isProgram());
      let plan = plans.get(program.node);
      if (plan === undefined) {
        plan = planProgram(sample, program);
        plans.set(program.node, plan);
        for (const [node, stratum] of plan.stratum) strata.set(nodeKey(node), stratum);
        for (const cluster of plan.drawnClusters) drawnClusters.add(cluster);
      }
      const stratum = plan.stratum.get(path.node) ?? "census";
      return stratum === "census" || plan.drawnClusters.has(stratum)
        ? undefined
        : `Not in the sample (MESHMART_MUTANT_SAMPLE=${sample.rate}:${sample.seed})`;
    },
  };
}

/** The incremental file a sample's results belong in: kept apart, since Stryker would reuse "Ignored" for a mutant later drawn. */
export function sampleIncrementalFile(sample) {
  return `test-output/stryker/incremental-sample-${sample.rate}-${sample.seed}.json`;
}

/** Refuses a sampled run that would write into the full runs' incremental file (or another sample's). */
export function checkIncrementalFile(sample, options) {
  if (sample === undefined || !options.incremental) return;
  const expected = sampleIncrementalFile(sample);
  if (options.incrementalFile !== expected) {
    throw new Error(
      `a sampled run (MESHMART_MUTANT_SAMPLE=${sample.rate}:${sample.seed}) keeps its results apart: add --incrementalFile ${expected}` +
        ` (not ${options.incrementalFile}, where the mutants it ignores would be kept as "Ignored")`,
    );
  }
}

function createSampleIgnorer(options) {
  const sample = parseSample(process.env.MESHMART_MUTANT_SAMPLE);
  checkIncrementalFile(sample, options);
  return sampleIgnorer(sample);
}
createSampleIgnorer.inject = [commonTokens.options];

export const strykerPlugins = [declareFactoryPlugin(PluginKind.Ignore, "mutant-sample", createSampleIgnorer)];
