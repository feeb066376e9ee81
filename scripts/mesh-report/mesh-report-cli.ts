/**
 * `npm run mesh-report -- [options]`: each stack in turn on the cluster of
 * the current kubeconfig context, with the Pulumi backend the CLI is logged
 * in to, then mesh-report.md and its charts in --out (docs/mesh-report.md).
 *
 *   --out DIR            the run's directory: state file, report, charts (default mesh-report)
 *   --stacks LIST        default dev,istio,linkerd
 *   --rates LIST         requests/s offered, default 50,200,500
 *   --rounds N           rounds per rate, default 3
 *   --round-seconds S    default 120 (at least 60: four scrapes of the services, every 15 s)
 *   --warmup-seconds S   default 60
 *   --label TEXT         where it runs, for the report (default: the kubeconfig context)
 *   --report-only        draw the report from the state file, touch no cluster
 *
 * Running it again with the same options resumes the run in --out. Ctrl-C
 * stops after abandoning the current phase and leaves the stack up: run again
 * to resume (or `pulumi destroy --stack <stack>`). Exit codes: 0 complete,
 * 1 a stack failed or the cluster is not clean, 2 bad options, 130 interrupted.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { kubectlOk } from "../cluster-checks/kubectl";
import { runMeshReport } from "./mesh-run";
import { phaseLine } from "./phase-line";
import { PulumiCluster } from "./pulumi-cluster";
import { collectRound } from "./round-collector";
import { openState, readState, STACK_NAMES, validatePlan, writeState, StateFileError, type RunPlan, type StackName } from "./run-state";
import { writeReport } from "./write-mesh-report";

export const STATE_FILE = "mesh-report-state.json";

export class OptionsError extends Error {}

export interface CliOptions {
  readonly out: string;
  readonly plan: RunPlan;
  readonly label?: string;
  readonly reportOnly: boolean;
}

const list = (flag: string, text: string, item: (s: string) => number | string) =>
  text.split(",").map((s) => {
    const v = item(s.trim());
    if (v === "" || (typeof v === "number" && !Number.isFinite(v))) throw new OptionsError(`--${flag}: bad item ${JSON.stringify(s)} in ${JSON.stringify(text)}`);
    return v;
  });

function number(flag: string, text: string | undefined, fallback: number, min: number, integer = false): number {
  if (text === undefined) return fallback;
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new OptionsError(`--${flag} must be ${integer ? "a whole number" : "a number"} of at least ${min}; got ${JSON.stringify(text)}`);
  return n;
}

export function parseCliOptions(argv: readonly string[]): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        out: { type: "string" },
        stacks: { type: "string" },
        rates: { type: "string" },
        rounds: { type: "string" },
        "round-seconds": { type: "string" },
        "warmup-seconds": { type: "string" },
        label: { type: "string" },
        "report-only": { type: "boolean" },
      },
    }));
  } catch (err) {
    throw new OptionsError((err as Error).message);
  }
  const s = (k: string) => values[k] as string | undefined;
  const stacks = list("stacks", s("stacks") ?? STACK_NAMES.join(","), (x) => ((STACK_NAMES as readonly string[]).includes(x) ? x : "")) as StackName[];
  const rates = list("rates", s("rates") ?? "50,200,500", (x) => (/^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= 100_000 ? Number(x) : Number.NaN)) as number[];
  if (new Set(stacks).size !== stacks.length) throw new OptionsError(`--stacks lists a stack twice: ${s("stacks")}`);
  const plan = validatePlan({
    stacks,
    rates,
    rounds: number("rounds", s("rounds"), 3, 1, true),
    roundSeconds: number("round-seconds", s("round-seconds"), 120, 60),
    warmupSeconds: number("warmup-seconds", s("warmup-seconds"), 60, 0),
    // one scrape interval of the services (15 s, infra/workload/spec.ts ServiceMonitor) and a margin
    settleSeconds: 20,
  });
  return { out: resolve(s("out") ?? "mesh-report"), plan, ...(s("label") ? { label: s("label") } : {}), reportOnly: values["report-only"] === true };
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliOptions(argv);
  } catch (err) {
    if (!(err instanceof OptionsError) && !(err instanceof StateFileError)) throw err;
    process.stderr.write(`mesh-report: ${err.message}\n`);
    return 2;
  }
  const file = join(options.out, STATE_FILE);
  if (options.reportOnly) {
    if (!existsSync(file)) {
      process.stderr.write(`mesh-report: no state file at ${file}\n`);
      return 2;
    }
    const written = await writeReport(readState(file), options.out);
    process.stdout.write(`mesh-report: ${written.markdown} (${written.charts.length} charts)\n`);
    return 0;
  }
  mkdirSync(options.out, { recursive: true });
  let state;
  try {
    state = openState(file, options.plan, new Date());
  } catch (err) {
    if (!(err instanceof StateFileError)) throw err;
    process.stderr.write(`mesh-report: ${err.message}\n`);
    return 2;
  }
  const label = options.label ?? `kubeconfig context ${(await kubectlOk(["config", "current-context"])).trim()}`;
  const cluster = new PulumiCluster({ projectDir: resolve(__dirname, "../.."), runDir: options.out, maxRate: Math.max(...options.plan.rates), label });
  const controller = new AbortController();
  const interrupt = () => {
    process.stderr.write("\nmesh-report: interrupted; the stack stays as it is (destroy is never cut short). Run the same command to resume.\n");
    controller.abort();
  };
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  const namespaces = (stack: StackName) => cluster.namespacesOf(stack);
  const outcome = await runMeshReport(state, {
    cluster,
    collect: (url, stack, window) => collectRound(url, namespaces(stack), window),
    sleep: (ms, signal) => sleep(ms, undefined, { signal }),
    now: Date.now,
    line: phaseLine(process.stderr),
    save: (s) => writeState(file, s),
    signal: controller.signal,
  });
  const written = await writeReport(state, options.out);
  process.stdout.write(`mesh-report: ${written.markdown} (${written.charts.length} charts)\n`);
  switch (outcome.outcome) {
    case "complete":
      return Object.values(state.stacks).some((r) => r.failure) ? 1 : 0;
    case "interrupted":
      return 130;
    case "stopped":
      process.stderr.write(`mesh-report: stopped at ${outcome.stack}: ${outcome.reason}\n`);
      return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`mesh-report: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
