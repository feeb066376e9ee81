/** The report's arithmetic: median and min–max of rounds, what counts as sustained, overhead only where both sustained. */
import { expect } from "chai";
import { overhead, roundSustained, spread, type RateCell } from "../../scripts/mesh-report/report-figures";
import type { RoundResult } from "../../scripts/mesh-report/run-state";

const round = (offeredRps: number, achievedRps: number | null, errorRatio: number | null): RoundResult => ({
  end: 0, windowS: 60, offeredRps, achievedRps, errorRatio, journeys: {}, hops: {}, resources: {}, queries: {},
});
const cell = (...rounds: RoundResult[]): RateCell => ({ rounds, unsustained: rounds.filter((r) => !roundSustained(r)).length });

describe("mesh report figures", () => {
  it("spread: the median (mean of the middle two when even), min, max and count, skipping rounds without data", () => {
    expect(spread([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, null, 1, 2, 10])).to.deep.equal({ median: 3, min: 1, max: 10, n: 4 });
    expect(spread([null, undefined])).to.equal(undefined);
  });

  it("a round sustains its rate when the gateway served at least 95% of it with at most 1% 5xx", () => {
    expect(roundSustained(round(500, 475, 0))).to.equal(true);
    expect(roundSustained(round(500, 474, 0))).to.equal(false);
    expect(roundSustained(round(500, 500, 0.011))).to.equal(false);
    expect(roundSustained(round(500, null, 0))).to.equal(false);
  });

  it("overhead compares medians, and only where both stacks sustained the rate", () => {
    const ok = cell(round(50, 50, 0));
    const not = cell(round(50, 50, 0), round(50, 10, 0));
    expect(overhead(spread([10]), ok, spread([15]), ok)).to.deep.equal({ abs: 5, rel: 0.5 });
    expect(overhead(spread([10]), ok, spread([15]), not)).to.equal(undefined);
    expect(overhead(spread([10]), not, spread([15]), ok)).to.equal(undefined);
    expect(overhead(undefined, ok, spread([15]), ok)).to.equal(undefined);
  });
});
