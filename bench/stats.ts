/** Small statistics for repeated measurements. */

export function median(values: readonly number[]): number {
  if (!values.length) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `value / floor`, or NaN when the floor is zero. */
export function ratio(value: number, floor: number): number {
  return floor === 0 ? Number.NaN : value / floor;
}
