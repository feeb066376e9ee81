/**
 * A weighted choice between two targets, drawn anew for every pick: the
 * canary with probability weight/100, else the stable one. Per pick, not per
 * connection or per process, so the share is what the weight says however
 * long a caller's connections live. The draw is a fault() at weight/100, so
 * it takes the same injectable random source, seedable with FAULT_SEED.
 *
 *   const payment = weightedChoice(paymentV1, paymentV2, 5, context.random);
 *   await payment.pick().postJson(...);
 */
import { fault, type Random } from "./faults";

/** Something that names the target of the next call. */
export interface Choice<T> {
  pick(): T;
}

export interface WeightedChoice<T> extends Choice<T> {
  /** Percent of picks that go to the canary (0-100). */
  readonly weight: number;
}

export function weightedChoice<T>(stable: T, canary: T, weight: number, random: Random = Math.random): WeightedChoice<T> {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new RangeError(`a canary weight is a whole percent 0-100; got ${weight}`);
  const toCanary = fault(weight / 100, random);
  return { weight, pick: () => (toCanary.hit() ? canary : stable) };
}

/** A choice that always names `target` (no canary). */
export function only<T>(target: T): Choice<T> {
  return { pick: () => target };
}
