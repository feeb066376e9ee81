/**
 * Injected faults (CATALOG_ERROR_RATE, PAYMENT_DECLINE_RATE,
 * PAYMENT_TIMEOUT_RATE): off unless a rate is set. The random source is
 * injectable, and seedable (FAULT_SEED) for reproducible runs.
 */

/** A source of uniform numbers in [0, 1), like Math.random. */
export type Random = () => number;

export interface Fault {
  readonly rate: number;
  /** Whether this occurrence is hit. Never true at rate 0, always at rate 1. */
  hit(): boolean;
}

export function fault(rate: number, random: Random = Math.random): Fault {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`a fault rate is between 0 and 1; got ${rate}`);
  return { rate, hit: () => rate > 0 && random() < rate };
}

/** mulberry32: a small, fast, well-distributed seeded generator. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
