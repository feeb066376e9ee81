/**
 * How Linkerd edge-26.8.3's policy controller reads the failure-accrual
 * annotations of a Service, restated from upstream's rules (the literals of
 * LINKERD_FAILURE_ACCRUAL in fixtures/upstream.ts), so a test can tell
 * whether the controller would accept what the program writes. A value it
 * would refuse throws, with upstream's reason.
 */
import { LINKERD_FAILURE_ACCRUAL as UPSTREAM } from "../fixtures/upstream";

const U64_MAX = 2n ** 64n - 1n;
const U32_MAX = 2n ** 32n - 1n;

/** Rust's `str::parse::<u64>()`/`<u32>()`: an optional `+`, then ASCII digits only, within range. */
function parseUnsigned(raw: string, max: bigint): bigint {
  if (!/^\+?[0-9]+$/.test(raw)) throw new Error(`invalid digit in ${JSON.stringify(raw)}`);
  const n = BigInt(raw.replace(/^\+/, ""));
  if (n > max) throw new Error(`number too large: ${raw}`);
  return n;
}

/** `parse_duration`: milliseconds. */
export function parseLinkerdDurationMs(value: string): number {
  const s = value.trim();
  if (s.startsWith("-")) throw new Error(`duration value cannot be negative: '${s}'`);
  const offset = Math.max(...[..."0123456789"].map((d) => s.lastIndexOf(d)));
  if (offset < 0) throw new Error(`${s} does not contain a timeout duration value`);
  const magnitudeText = s.slice(0, offset + 1);
  const unit = s.slice(offset + 1);
  if (magnitudeText.includes(".")) throw new Error("fractional values not supported");
  const magnitude = parseUnsigned(magnitudeText, U64_MAX);
  const units: Record<string, number> = UPSTREAM.durationUnitsMs;
  let mul: bigint;
  if (unit === "" && magnitude === 0n) mul = 0n;
  else if (unit === "") throw new Error(`missing duration unit; did you mean '${magnitude}s' or '${magnitude}ms'?`);
  else if (unit in units) mul = BigInt(units[unit]!);
  else throw new Error(`invalid duration unit ${unit}`);
  const ms = magnitude * mul;
  if (ms > U64_MAX) throw new Error(`Timeout value ${s} overflows when converted to 'ms'`);
  return Number(ms);
}

export interface ParsedAccrual {
  readonly mode: string;
  readonly maxFailures: number;
  readonly minPenaltyMs: number;
  readonly maxPenaltyMs: number;
  readonly jitterRatio: number;
}

/** `parse_accrual_config` for a consecutive setting: undefined without the mode annotation. */
export function parseLinkerdAccrual(annotations: Readonly<Record<string, string>>): ParsedAccrual | undefined {
  const keys = UPSTREAM.annotations;
  const mode = annotations[keys.mode];
  if (mode === undefined) return undefined;
  if (!(UPSTREAM.modes as readonly string[]).includes(mode)) throw new Error(`unsupported failure accrual mode: ${mode}`);
  const get = (key: string) => annotations[key];
  const maxFailures = get(keys.maxFailures) === undefined ? UPSTREAM.defaults.maxFailures : Number(parseUnsigned(get(keys.maxFailures)!.trim(), U32_MAX));
  const maxPenaltyMs = get(keys.maxPenalty) === undefined ? UPSTREAM.defaults.maxPenaltyMs : parseLinkerdDurationMs(get(keys.maxPenalty)!);
  const minPenaltyMs = get(keys.minPenalty) === undefined ? UPSTREAM.defaults.minPenaltyMs : parseLinkerdDurationMs(get(keys.minPenalty)!);
  const jitterText = get(keys.jitterRatio)?.trim();
  if (jitterText !== undefined && !/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(jitterText)) throw new Error(`invalid float: ${jitterText}`);
  const jitterRatio = jitterText === undefined ? UPSTREAM.defaults.jitterRatio : Number(jitterText);
  if (minPenaltyMs > maxPenaltyMs) throw new Error(`min_penalty (${minPenaltyMs}ms) cannot exceed max_penalty (${maxPenaltyMs}ms)`);
  if (maxPenaltyMs <= 0) throw new Error("max_penalty cannot be zero");
  if (!Number.isFinite(jitterRatio) || jitterRatio < 0 || jitterRatio > 100) throw new Error(`jitter out of range: ${jitterText}`);
  return { mode, maxFailures, minPenaltyMs, maxPenaltyMs, jitterRatio };
}
