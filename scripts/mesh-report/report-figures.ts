/**
 * The report's numbers, derived from the state file alone: every figure is
 * the median and min–max of a rate's repeated rounds with its round count;
 * a rate is sustained only when every round was; a mesh's overhead is its
 * median against dev's, and only where both sustained the rate.
 */
import { RESOURCE_GROUPS } from "./mesh-promql";
import type { RoundResult, RunState, StackName } from "./run-state";

/** A round sustained its offered rate when the gateway served at least this share of it… */
export const SUSTAINED_SHARE = 0.95;
/** …and answered at most this share 5xx. */
export const SUSTAINED_MAX_ERRORS = 0.01;

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Rounds that had this figure (rounds without data are not counted). */
  readonly n: number;
}

/** Median and min–max of the numbers given (nulls skipped); undefined when none. */
export function spread(values: readonly (number | null | undefined)[]): Spread | undefined {
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { median, min: xs[0]!, max: xs[xs.length - 1]!, n: xs.length };
}

export function roundSustained(r: RoundResult): boolean {
  return r.achievedRps !== null && r.achievedRps >= SUSTAINED_SHARE * r.offeredRps && (r.errorRatio ?? 0) <= SUSTAINED_MAX_ERRORS;
}

export interface RateCell {
  readonly rounds: readonly RoundResult[];
  /** Rounds that did not sustain the rate (0: sustained). */
  readonly unsustained: number;
}

export function rateCell(state: RunState, stack: StackName, rate: number): RateCell | undefined {
  const rounds = state.stacks[stack]?.rates[String(rate)];
  if (!rounds || rounds.length === 0) return undefined;
  return { rounds, unsustained: rounds.filter((r) => !roundSustained(r)).length };
}

/** A figure of every round of a cell. */
export function figure(cell: RateCell | undefined, pick: (r: RoundResult) => number | null | undefined): Spread | undefined {
  return cell ? spread(cell.rounds.map(pick)) : undefined;
}

/** Overhead of `mesh` over `base` (medians): absolute and relative; undefined when either is missing or either cell was not sustained. */
export function overhead(base: Spread | undefined, baseCell: RateCell | undefined, mesh: Spread | undefined, meshCell: RateCell | undefined): { abs: number; rel: number } | undefined {
  if (!base || !mesh || !baseCell || !meshCell || baseCell.unsustained > 0 || meshCell.unsustained > 0) return undefined;
  return { abs: mesh.median - base.median, rel: base.median === 0 ? Number.NaN : (mesh.median - base.median) / base.median };
}

/** Every hop seen in any round of the run, sorted. */
export function hopsOf(state: RunState): string[] {
  const hops = new Set<string>();
  for (const rec of Object.values(state.stacks)) for (const rounds of Object.values(rec.rates)) for (const r of rounds) for (const h of Object.keys(r.hops)) hops.add(h);
  return [...hops].sort();
}

/** Sum of the groups' CPU or memory in one round; null when no group had data. */
export function totalUsage(r: RoundResult, field: "cpuCores" | "memoryBytes"): number | null {
  const values = RESOURCE_GROUPS.filter((g) => g !== "load-generator").map((g) => r.resources[g]?.[field]).filter((v): v is number => typeof v === "number");
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}
