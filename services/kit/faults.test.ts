import { expect } from "chai";
import { fault, seededRandom } from "./faults";

describe("kit: fault injection", () => {
  it("never fires at rate 0 and always at rate 1", () => {
    const off = fault(0, () => 0);
    const on = fault(1, () => 0.999999);
    for (let i = 0; i < 100; i++) {
      expect(off.hit()).to.equal(false);
      expect(on.hit()).to.equal(true);
    }
  });

  it("fires for draws below the rate", () => {
    const draws = [0.01, 0.049, 0.05, 0.5];
    const f = fault(0.05, () => draws.shift()!);
    expect([f.hit(), f.hit(), f.hit(), f.hit()]).to.deep.equal([true, true, false, false]);
  });

  it("is mulberry32 (Tommy Ettinger's generator), drawing what its reference C draws from the same seed", () => {
    // seed 1985: 3527837133, then 3112574143, of 2^32, as the reference C draws them (docs/upstream.md)
    const random = seededRandom(1985);
    expect([random() * 2 ** 32, random() * 2 ** 32]).to.deep.equal([3527837133, 3112574143]);
  });

  it("is reproducible with a seed and close to its rate", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, a);
    expect(first).to.deep.equal(Array.from({ length: 5 }, b));
    expect(first).not.to.deep.equal(Array.from({ length: 5 }, seededRandom(43)));
    const f = fault(0.1, seededRandom(7));
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (f.hit()) hits++;
    expect(hits).to.be.within(900, 1100);
  });

  it("refuses a rate outside [0, 1]", () => {
    expect(() => fault(1.5)).to.throw(RangeError);
    expect(() => fault(Number.NaN)).to.throw(RangeError);
  });
});
