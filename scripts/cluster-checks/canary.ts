/**
 * canary: payment's v2 share of real checkouts matches the configured weight.
 * Reads the per-version payment counts, drives N checkouts through the edge,
 * waits until the counts show at least N more payments (Prometheus scrapes on
 * an interval: a condition, not a sleep), and compares v2's share of the
 * difference with the weight, within a tolerance.
 *
 * The default tolerance is three standard deviations of a binomial share
 * (sqrt(w(1-w)/N)), with a floor of one request's worth, so a correct 5% split
 * over 200 checkouts passes and a split that ignores the weight does not.
 */
import { delta, total, type VersionCounts } from "./payment-requests";
import { Findings, type CheckReport } from "./report";
import { addAndCheckOut } from "./shopper-journey";

export interface CanaryOptions {
  readonly baseUrl: string;
  /** Where the per-version counts come from (payment-requests.ts). */
  readonly counts: () => Promise<VersionCounts>;
  /** Percent of payments meant for v2 (meshmart:canaryWeight). */
  readonly weightPercent: number;
  readonly checkouts?: number;
  /** Allowed distance from the weight, in percentage points; default 3 sigma. */
  readonly tolerancePercent?: number;
  /** How long to wait for the counts to catch up (Prometheus' scrape interval). */
  readonly settleTimeoutMs?: number;
  /** Checkouts in flight at once. */
  readonly concurrency?: number;
  readonly canaryVersion?: string;
}

/** Three binomial standard deviations of the share, in percentage points, at least one request's worth. */
export function defaultTolerance(weightPercent: number, checkouts: number): number {
  const w = weightPercent / 100;
  return Math.max(3 * Math.sqrt((w * (1 - w)) / checkouts), 1 / checkouts) * 100;
}

async function waitForCounts(read: () => Promise<VersionCounts>, before: VersionCounts, atLeast: number, timeoutMs: number): Promise<VersionCounts> {
  const deadline = Date.now() + timeoutMs;
  let last = before;
  for (;;) {
    last = await read();
    if (total(delta(before, last)) >= atLeast || Date.now() > deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

export async function canary(options: CanaryOptions): Promise<CheckReport> {
  const checkouts = options.checkouts ?? 200;
  const canaryVersion = options.canaryVersion ?? "v2";
  const tolerance = options.tolerancePercent ?? defaultTolerance(options.weightPercent, checkouts);
  const findings = new Findings(`canary (${options.baseUrl}; ${canaryVersion} at ${options.weightPercent}% ± ${tolerance.toFixed(1)} points over ${checkouts} checkouts)`);

  const before = await options.counts();
  let next = 0;
  let reachedPayment = 0;
  const statuses: Record<string, number> = {};
  const worker = async () => {
    while (next < checkouts) {
      next++;
      const journey = await addAndCheckOut(options.baseUrl, "1", "canary");
      const status = String(journey.checkout?.status ?? `add ${journey.add.status}`);
      statuses[status] = (statuses[status] ?? 0) + 1;
      // completed (201) and declined (402) checkouts both reached payment once
      if (journey.checkout?.status === 201 || journey.checkout?.status === 402) reachedPayment++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  findings.expect(reachedPayment >= checkouts * 0.8, `checkouts answered: ${JSON.stringify(statuses)} (at least 80% must reach payment)`);

  const after = await waitForCounts(options.counts, before, reachedPayment, options.settleTimeoutMs ?? 5_000);
  const served = delta(before, after);
  const n = total(served);
  findings.expect(n >= reachedPayment, `payment requests counted by version: ${JSON.stringify(served)} (${n}; at least the ${reachedPayment} checkouts that reached payment)`);
  const share = n > 0 ? ((served[canaryVersion] ?? 0) / n) * 100 : NaN;
  findings.expect(
    Math.abs(share - options.weightPercent) <= tolerance,
    `${canaryVersion} share ${share.toFixed(1)}% (expected ${options.weightPercent}% ± ${tolerance.toFixed(1)})`,
  );
  return findings.report();
}
