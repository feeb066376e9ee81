import { expect } from "chai";
import { median, ratio } from "./stats";
import { wholeNumberFromEnv } from "./whole-number";

describe("bench: statistics", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).to.equal(3);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(() => median([])).to.throw(/nothing/);
  });

  it("divides by the floor, NaN for a zero floor", () => {
    expect(ratio(80, 100)).to.equal(0.8);
    expect(ratio(1, 0)).to.be.NaN;
  });
});

describe("bench: knobs from the environment", () => {
  it("reads a whole number in range, falls back when unset, and names the variable when it is not one", () => {
    expect(wholeNumberFromEnv({ BENCH_X: "7" }, "BENCH_X", 3)).to.equal(7);
    expect(wholeNumberFromEnv({}, "BENCH_X", 3)).to.equal(3);
    expect(() => wholeNumberFromEnv({ BENCH_X: "0" }, "BENCH_X", 3)).to.throw(/BENCH_X must be a whole number from 1/);
    expect(() => wholeNumberFromEnv({ BENCH_X: "2.5" }, "BENCH_X", 3)).to.throw(/got "2.5"/);
    expect(() => wholeNumberFromEnv({ BENCH_X: "51" }, "BENCH_X", 3, 1, 50)).to.throw(/from 1 to 50/);
  });
});
