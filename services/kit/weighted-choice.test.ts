import { expect } from "chai";
import { seededRandom } from "./faults";
import { weightedChoice } from "./weighted-choice";

describe("kit: weighted choice between a stable and a canary target", () => {
  it("draws anew for every pick: below weight/100 is the canary", () => {
    const draws = [0.01, 0.049, 0.05, 0.5, 0.999];
    const choice = weightedChoice("v1", "v2", 5, () => draws.shift()!);
    expect(Array.from({ length: 5 }, () => choice.pick())).to.deep.equal(["v2", "v2", "v1", "v1", "v1"]);
  });

  it("never picks the canary at 0 and always at 100", () => {
    const none = weightedChoice("v1", "v2", 0, () => 0);
    const all = weightedChoice("v1", "v2", 100, () => 0.999999);
    for (let i = 0; i < 100; i++) {
      expect(none.pick()).to.equal("v1");
      expect(all.pick()).to.equal("v2");
    }
  });

  it("with a fixed seed, is reproducible and per pick within half a point of 5% over 10,000 picks", () => {
    const share = (seed: number) => {
      const choice = weightedChoice("v1", "v2", 5, seededRandom(seed));
      let canary = 0;
      for (let i = 0; i < 10_000; i++) if (choice.pick() === "v2") canary++;
      return canary / 100;
    };
    expect(share(2026)).to.equal(share(2026));
    for (const seed of [1, 7, 2026]) expect(share(seed), `seed ${seed}`).to.be.within(4.5, 5.5);
  });

  it("no long runs: every window of 200 picks at 5% has some canary picks and not more than 25", () => {
    const choice = weightedChoice("v1", "v2", 5, seededRandom(11));
    const picks = Array.from({ length: 10_000 }, () => (choice.pick() === "v2" ? 1 : 0));
    for (let start = 0; start + 200 <= picks.length; start += 200) {
      const count = picks.slice(start, start + 200).reduce<number>((a, b) => a + b, 0);
      expect(count, `picks ${start}-${start + 199}`).to.be.within(1, 25);
    }
  });

  it("refuses a weight that is not a whole percent", () => {
    for (const weight of [-1, 101, 2.5, Number.NaN]) expect(() => weightedChoice("a", "b", weight), String(weight)).to.throw(RangeError, "weight");
  });
});
