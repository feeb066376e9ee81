/**
 * `npm run bench:footprint`: the cluster footprint of every stack (dev,
 * istio, linkerd), computed from the objects the program declares when run
 * under mocks (test/infra/support/run-stack.ts, with the stack files' config
 * as the infra tests use it), written to bench/footprint.md and into the
 * "Cluster footprint" section of bench/RESULTS.md (which `npm run bench`
 * also copies from bench/footprint.md). Runs nothing against a cluster.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { VARIANTS } from "../test/infra/support/stacks";
import { clusterFootprint, type DeclaredObject, type Footprint } from "./cluster-footprint";
import { readmeSentence, renderFootprint } from "./footprint-markdown";
import { withFootprintSection } from "./results";

const ROOT = join(__dirname, "..");
const STACKS = ["dev", "istio", "linkerd"] as const;
/** The load generator is off in every stack file; it needs the edge on plain HTTP. */
const LOAD_GENERATOR_ON = { "meshmart:loadGenerator": "true", "meshmart:edgeTls": "off" };

/** The program's registrations for a stack under mocks, as the infra tests get them. */
export async function declaredObjects(stack: (typeof STACKS)[number], extra: Record<string, string> = {}): Promise<DeclaredObject[]> {
  const dir = await mkdtemp(join(tmpdir(), "meshmart-footprint-"));
  try {
    const out = join(dir, "run.json");
    const overrides = { "meshmart:bundle": "false", ...VARIANTS[stack].overrides, ...extra };
    await promisify(execFile)(process.execPath, ["--import", "tsx", join(ROOT, "test/infra/support/run-stack.ts"), stack, out, JSON.stringify(overrides)], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    });
    const run = JSON.parse(await readFile(out, "utf8")) as { resources: DeclaredObject[]; errors: string[] };
    if (run.errors.length) throw new Error(`the ${stack} stack failed under mocks: ${run.errors.join("; ")}`);
    return run.resources;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [runs, withGenerator] = await Promise.all([Promise.all(STACKS.map((s) => declaredObjects(s))), declaredObjects("dev", LOAD_GENERATOR_ON)]);
  const stacks = STACKS.map((stack, i) => ({ stack, footprint: clusterFootprint(runs[i]!) }));
  const dev = stacks[0]!.footprint;
  const seen = new Set(dev.rows.map((r) => `${r.namespace}/${r.workload}`));
  const generatorRows = clusterFootprint(withGenerator).rows.filter((r) => !seen.has(`${r.namespace}/${r.workload}`));
  const markdown = renderFootprint({ stacks, loadGenerator: { stack: "dev", rows: generatorRows }, node: process.version, date: new Date().toISOString() });
  await writeFile(join(__dirname, "footprint.md"), markdown);
  const resultsFile = join(__dirname, "RESULTS.md");
  await writeFile(resultsFile, withFootprintSection(await readFile(resultsFile, "utf8"), markdown));
  for (const { stack, footprint } of stacks) process.stdout.write(`footprint ${stack}: ${summaryLine(footprint)}\n`);
  process.stdout.write(`README: "${readmeSentence(dev)}"\nwritten to bench/footprint.md and bench/RESULTS.md\n`);
}

function summaryLine(f: Footprint): string {
  const t = f.shop.atMin;
  return `the shop at rest ${t.pods} pods, requests ${t.cpuRequest.toFixed(3)} CPU / ${Math.round(t.memoryRequest / 2 ** 20)} MiB`;
}

if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`bench:footprint: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
