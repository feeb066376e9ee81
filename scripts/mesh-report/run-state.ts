/**
 * What a mesh-report run has done so far, kept in one JSON file per run
 * (`<out>/mesh-report-state.json`), written after every phase: a run that
 * was interrupted resumes where it stopped, and the report is drawn from
 * this file alone. A file that does not parse, or that belongs to another
 * plan, is an error naming the file; nothing is overwritten.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";

export const STACK_NAMES = ["dev", "istio", "linkerd"] as const;
export type StackName = (typeof STACK_NAMES)[number];

const Plan = z.object({
  stacks: z.array(z.enum(STACK_NAMES)).min(1),
  /** Requests a second offered by the load generator, in order. */
  rates: z.array(z.number().positive()).min(1),
  /** Repeated rounds per rate: every figure is the median and min–max of these. */
  rounds: z.number().int().min(1),
  roundSeconds: z.number().positive(),
  warmupSeconds: z.number().min(0),
  /** Wait after a round before querying, so Prometheus has scraped its end. */
  settleSeconds: z.number().min(0),
});
export type RunPlan = z.infer<typeof Plan>;

const Latency = z.object({ p50Ms: z.number().nullable(), p99Ms: z.number().nullable() });
const Usage = z.object({ cpuCores: z.number().nullable(), memoryBytes: z.number().nullable() });

const Round = z.object({
  /** Unix seconds: the window the queries covered, [end - windowS, end]. */
  end: z.number(),
  windowS: z.number(),
  offeredRps: z.number(),
  /** Shoppers' requests the gateway served a second (probes and scrapes aside). */
  achievedRps: z.number().nullable(),
  /** Share of those answered 5xx. */
  errorRatio: z.number().nullable(),
  journeys: z.record(z.string(), Latency.extend({ rps: z.number().nullable(), errorRatio: z.number().nullable() })),
  /** By "caller → upstream". */
  hops: z.record(z.string(), Latency.extend({ rps: z.number().nullable() })),
  /** By component group (mesh-promql.ts RESOURCE_GROUPS). */
  resources: z.record(z.string(), Usage),
  /** Every PromQL expression the round ran, by name, so a figure can be traced to its query. */
  queries: z.record(z.string(), z.string()),
});
export type RoundResult = z.infer<typeof Round>;

const Node = z.object({
  name: z.string(),
  cpu: z.string(),
  memory: z.string(),
  kernel: z.string(),
  os: z.string(),
  kubelet: z.string(),
  runtime: z.string(),
  arch: z.string(),
});
const Machine = z.object({
  /** Where it was measured, in words ("kind on ubuntu-24.04 runner", "local shop, no mesh, this machine"). */
  label: z.string(),
  host: z.object({ cpuModel: z.string(), cpus: z.number(), memoryBytes: z.number(), platform: z.string(), release: z.string() }),
  nodes: z.array(Node),
});
export type MachineDescription = z.infer<typeof Machine>;

const Stack = z.object({
  status: z.enum(["pending", "up", "measured", "destroyed", "failed"]),
  /** Seconds from `pulumi up` to every workload ready. */
  upSeconds: z.number().optional(),
  destroySeconds: z.number().optional(),
  /** By offered rate (as a string key): the rounds done. */
  rates: z.record(z.string(), z.array(Round)),
  /** What the leftover check found after destroy; [] is clean. */
  leftovers: z.array(z.string()).optional(),
  failure: z.object({ phase: z.string(), message: z.string() }).optional(),
});
export type StackRecord = z.infer<typeof Stack>;

const State = z.object({
  version: z.literal(1),
  plan: Plan,
  startedAt: z.string(),
  machine: Machine.optional(),
  stacks: z.record(z.string(), Stack),
});
export type RunState = z.infer<typeof State>;

export class StateFileError extends Error {}

export function validatePlan(plan: unknown): RunPlan {
  const parsed = Plan.safeParse(plan);
  if (!parsed.success) throw new StateFileError(`bad plan: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  if (new Set(parsed.data.stacks).size !== parsed.data.stacks.length) throw new StateFileError("bad plan: a stack is listed twice");
  return parsed.data;
}

export function newState(plan: RunPlan, now: Date): RunState {
  return {
    version: 1,
    plan,
    startedAt: now.toISOString(),
    stacks: Object.fromEntries(plan.stacks.map((s) => [s, { status: "pending", rates: {} }])),
  };
}

/** The state in `file`: validated, and for `plan` (a different plan is an error: use another output directory). */
export function readState(file: string, plan?: RunPlan): RunState {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new StateFileError(`${file} is not a mesh-report state file: ${(err as Error).message}`);
  }
  const parsed = State.safeParse(json);
  if (!parsed.success) {
    throw new StateFileError(`${file} is not a mesh-report state file: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  if (plan && JSON.stringify(parsed.data.plan) !== JSON.stringify(plan)) {
    throw new StateFileError(`${file} belongs to another plan (${JSON.stringify(parsed.data.plan)}); resume it with the same options, or write to another --out`);
  }
  return parsed.data;
}

/** The state for `plan`: the one in `file` when it exists (resume), else a new one. */
export function openState(file: string, plan: RunPlan, now: Date): RunState {
  return existsSync(file) ? readState(file, plan) : newState(plan, now);
}

/** Writes atomically (a crash mid-write leaves the previous state). */
export function writeState(file: string, state: RunState): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
