/**
 * Without a mesh, payment's canary is a replica ratio: the Service selects v1
 * and v2 pods alike, so each pod gets an equal share and the v2 share of
 * traffic is v2 pods / all pods.
 */

export interface ReplicaSplit {
  readonly v1: number;
  readonly v2: number;
}

/**
 * Splits `total` pods so v2 gets `weight` percent, rounded to the nearest pod,
 * but never starves a side that has a non-zero weight: 5% of 20 is 19:1,
 * 5% of 10 is 9:1 (10%, the closest a 10-pod split gets), 0% is 20:0.
 */
export function replicaSplit(weight: number, total: number): ReplicaSplit {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new RangeError(`weight must be an integer 0-100; got ${weight}`);
  if (!Number.isInteger(total) || total < 2) throw new RangeError(`total must be an integer of at least 2; got ${total}`);
  let v2 = Math.round((total * weight) / 100);
  if (weight > 0 && v2 === 0) v2 = 1;
  if (weight < 100 && v2 === total) v2 = total - 1;
  return { v1: total - v2, v2 };
}

/** The share of traffic v2 actually gets from a split, in percent. */
export function effectiveWeight(split: ReplicaSplit): number {
  return (100 * split.v2) / (split.v1 + split.v2);
}
