import { expect } from "chai";
import { effectiveWeight, replicaSplit } from "./replicas";

describe("replicaSplit (the dev canary)", () => {
  const table: [number, number, number, number][] = [
    [5, 20, 19, 1],
    [10, 20, 18, 2],
    [50, 4, 2, 2],
    [5, 10, 9, 1],
    [1, 2, 1, 1],
    [0, 20, 20, 0],
    [100, 20, 0, 20],
    [99, 20, 1, 19],
  ];
  for (const [weight, total, v1, v2] of table) {
    it(`${weight}% of ${total} pods is ${v1}:${v2}`, () => expect(replicaSplit(weight, total)).to.deep.equal({ v1, v2 }));
  }
  it("gives exactly 5% at 19:1", () => expect(effectiveWeight(replicaSplit(5, 20))).to.equal(5));
  it("rejects impossible inputs", () => {
    expect(() => replicaSplit(101, 20)).to.throw(RangeError, "weight");
    expect(() => replicaSplit(5, 1)).to.throw(RangeError, "total");
    expect(() => replicaSplit(2.5, 20)).to.throw(RangeError);
  });
});
