import { expect } from "chai";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import { canarySplit, GET_RETRY_ATTEMPTS, meshTimeouts } from "./route-numbers";

describe("mesh routing numbers (infra/mesh/route-numbers.ts)", () => {
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
  it("times each service's routes by the nested budgets, retrying GETs toward leaves only, each try within the route", () => {
    const t = meshTimeouts(2000);
    expect(t.catalog).to.deep.equal({ requestMs: 1800, perTryMs: 600, getRetries: GET_RETRY_ATTEMPTS });
    expect(t.orders).to.deep.equal({ requestMs: 2400, getRetries: 0 });
    expect(t.cart.requestMs).to.equal(7000);
    expect(t.gateway.requestMs).to.equal(7600);
    for (const leafMs of [100, 250, 999, 2000, 3333, 60000]) {
      const m = meshTimeouts(leafMs);
      for (const s of SERVICE_NAMES) {
        const r = m[s];
        expect(r.getRetries, s).to.equal(SERVICES[s].calls.length === 0 ? GET_RETRY_ATTEMPTS : 0);
        if (r.getRetries > 0) expect(r.perTryMs! * (r.getRetries + 1), `${s} @${leafMs}`).to.be.at.most(r.requestMs);
        if (r.perTryMs !== undefined) expect(r.perTryMs).to.be.greaterThan(0);
        expect(r.requestMs % 10, "whole hundredths of a second").to.equal(0);
      }
      expect(m.catalog.requestMs).to.be.lessThan(leafMs);
    }
    expect(() => meshTimeouts(50)).to.throw("at least 100 ms");
  });
});
