/**
 * How long each record that guards against a double charge is kept, and the
 * rule that ties them together. Pure data and functions: the services, the
 * Pulumi program and the tests read the same numbers.
 *
 * The chain a checkout leaves behind:
 *
 *   cart:<user>:pending      the pending checkout, holding the random
 *                            idempotency key; the cart's keys expire with it
 *   payment:idem:cart:<key>  payment's record of the charge under that key
 *   orders:idem:cart:<key>   orders' record of the order under that key
 *
 * A retry can only reuse a key while the pending checkout exists, and the
 * pending checkout never outlives its cart (once it is gone there is nothing
 * left to charge). So the records that replay a charge or an order must
 * outlive the pending checkout plus one attempt already under way when it
 * expired: then no retry, whenever it comes, can charge twice.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Retention {
  /** A cart with no pending checkout expires after this long without a change (CART_TTL_SECONDS). */
  readonly cartIdleMs: number;
  /** A pending checkout (and with it the cart's keys) lives this long from its first attempt. */
  readonly pendingCheckoutMs: number;
  /** The longest one checkout attempt may run: the ceiling of the cart's checkout lock. */
  readonly checkoutAttemptMs: number;
  /** payment keeps a decided charge's idempotency record this long. */
  readonly paymentIdempotencyMs: number;
  /** orders keeps an order's idempotency record this long. */
  readonly ordersIdempotencyMs: number;
}

export const RETENTION: Retention = {
  cartIdleMs: 7 * DAY_MS,
  pendingCheckoutMs: 6 * HOUR_MS,
  checkoutAttemptMs: 15 * 60_000,
  paymentIdempotencyMs: 7 * DAY_MS,
  ordersIdempotencyMs: 7 * DAY_MS,
};

/** What is wrong with `r`: every way a retry could outlive the record that stops a second charge or order. */
export function retentionProblems(r: Retention): string[] {
  const problems: string[] = [];
  const protectedFor = r.pendingCheckoutMs + r.checkoutAttemptMs;
  if (r.paymentIdempotencyMs < protectedFor) {
    problems.push(`payment's idempotency records (${r.paymentIdempotencyMs} ms) must outlive a pending checkout plus one attempt (${protectedFor} ms)`);
  }
  if (r.ordersIdempotencyMs < protectedFor) {
    problems.push(`orders' idempotency records (${r.ordersIdempotencyMs} ms) must outlive a pending checkout plus one attempt (${protectedFor} ms)`);
  }
  if (r.pendingCheckoutMs < r.checkoutAttemptMs) {
    problems.push(`a pending checkout (${r.pendingCheckoutMs} ms) must outlive one attempt (${r.checkoutAttemptMs} ms)`);
  }
  for (const [name, ms] of Object.entries(r)) if (!(Number.isInteger(ms) && ms > 0)) problems.push(`${name} must be a positive whole number of ms; got ${ms}`);
  return problems;
}
