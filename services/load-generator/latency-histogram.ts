/**
 * Latencies in bounded memory: log-spaced buckets 2% wide, so a generator
 * that runs for days keeps a few hundred counters, not every sample. A
 * quantile is the upper edge of the bucket holding it: never below the true
 * value, at most 2% above (1 ms resolution below 1 ms).
 */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

export class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;

  get count(): number {
    return this.total;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`a latency must be a finite number of milliseconds >= 0; got ${ms}`);
    const index = ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG_GROWTH);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
    this.total++;
  }

  /** Adds another histogram's counts to this one. */
  merge(other: LatencyHistogram): void {
    for (const [index, n] of other.buckets) this.buckets.set(index, (this.buckets.get(index) ?? 0) + n);
    this.total += other.total;
  }

  /** The q-quantile (0 < q <= 1) in ms, or undefined with no samples. */
  quantile(q: number): number | undefined {
    if (!(q > 0 && q <= 1)) throw new Error(`a quantile must be in (0, 1]; got ${q}`);
    if (this.total === 0) return undefined;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!;
      if (seen >= rank) return index === 0 ? 1 : GROWTH ** index;
    }
    throw new Error("unreachable: the buckets hold every sample");
  }
}
