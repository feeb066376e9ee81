import { expect } from "chai";
import { LatencyHistogram } from "./latency-histogram";

/** The exact q-quantile (nearest rank) of a set of samples. */
function exact(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
}

describe("latency histogram (services/load-generator/latency-histogram.ts)", () => {
  it("answers every quantile within 2% above the exact nearest-rank value, never below", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples = Array.from({ length: 20_000 }, () => 1 + random() ** 3 * 5_000);
    const h = new LatencyHistogram();
    for (const s of samples) h.record(s);
    expect(h.count).to.equal(samples.length);
    for (const q of [0.01, 0.5, 0.9, 0.99, 0.999, 1]) {
      const truth = exact(samples, q);
      expect(h.quantile(q)!, `q=${q}`).to.be.at.least(truth).and.at.most(truth * 1.02);
    }
  });

  it("keeps a bounded number of buckets however many samples (memory for a run of days)", () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 200_000; i++) h.record((i % 60_000) + 0.5);
    // 2% buckets from 1 ms to 60 s: log(60000)/log(1.02) ≈ 556 of them at most.
    expect((h as unknown as { buckets: Map<number, number> }).buckets.size).to.be.at.most(560);
  });

  it("merges, answers undefined when empty, and refuses a bad sample or quantile", () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    expect(a.quantile(0.99)).to.equal(undefined);
    a.record(10);
    b.record(1000);
    a.merge(b);
    expect(a.count).to.equal(2);
    expect(a.quantile(1)!).to.be.within(1000, 1020);
    expect(() => a.record(Number.NaN)).to.throw("finite number");
    expect(() => a.record(-1)).to.throw(">= 0");
    expect(() => a.quantile(0)).to.throw("(0, 1]");
  });
});
