import { expect } from "chai";
import { median, ratio } from "./stats";

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
