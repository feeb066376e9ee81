import { expect } from "chai";
import { canarySplit, GET_RETRY_ATTEMPTS, meshTimeouts } from "./routing";

describe("mesh routing numbers (infra/mesh/routing.ts)", () => {
  it("splits 95/5 at the default weight", () => {
    expect(canarySplit(5)).to.deep.equal([
      { version: "v1", weight: 95 },
      { version: "v2", weight: 5 },
    ]);
  });
  it("sums to 100 for every configurable weight, leaving out an empty side", () => {
    for (let w = 0; w <= 100; w++) {
      const split = canarySplit(w);
      expect(split.reduce((n, s) => n + s.weight, 0), `weight ${w}`).to.equal(100);
      for (const s of split) expect(s.weight).to.be.greaterThan(0);
    }
    expect(canarySplit(0)).to.deep.equal([{ version: "v1", weight: 100 }]);
    expect(canarySplit(100)).to.deep.equal([{ version: "v2", weight: 100 }]);
  });
  it("refuses a weight outside 0-100 or a fraction", () => {
    for (const w of [-1, 101, 2.5, NaN]) expect(() => canarySplit(w)).to.throw("canary weight must be an integer between 0 and 100");
  });
  it("answers within the caller's timeout, the GET's tries sharing the budget", () => {
    expect(meshTimeouts(2000)).to.deep.equal({ requestMs: 1800, perTryMs: 600, getRetries: GET_RETRY_ATTEMPTS });
    for (const t of [100, 250, 999, 2000, 3333, 60000]) {
      const m = meshTimeouts(t);
      expect(m.requestMs, String(t)).to.be.lessThan(t);
      expect(m.perTryMs * (m.getRetries + 1)).to.be.at.most(m.requestMs);
      expect(m.perTryMs).to.be.greaterThan(0);
    }
    expect(() => meshTimeouts(50)).to.throw("at least 100 ms");
  });
});
