import { expect } from "chai";
import { WAITS } from "../../../services/budgets";
import { SERVICES } from "../../../services/topology";
import { accrualAnnotations, accrualFor, callees, OWN_FAILURES_ACCRUAL, RELAYING_ACCRUAL } from "./failure-accrual";
import { intendedCallees } from "../../../test/infra/fixtures/intended-graph";

describe("Linkerd failure accrual (infra/mesh/linkerd/failure-accrual.ts)", () => {
  it("derives the callees from the topology's calls", () => {
    expect(callees().sort()).to.deep.equal(intendedCallees());
    // Nobody calling catalog any more: its Service gets no breaker.
    const withoutCatalog = {
      ...SERVICES,
      gateway: { ...SERVICES.gateway, calls: SERVICES.gateway.calls.filter((c) => c !== "catalog") },
      cart: { ...SERVICES.cart, calls: SERVICES.cart.calls.filter((c) => c !== "catalog") },
    };
    expect(callees(withoutCatalog)).to.not.include("catalog");
  });

  it("tiers by what a service's answers carry: its own failures, or its upstreams' too", () => {
    const waits = { ...WAITS, orders: [["users"]], payment: [] } as const;
    expect(accrualFor("payment", waits)).to.equal(OWN_FAILURES_ACCRUAL);
    expect(accrualFor("orders", waits)).to.equal(RELAYING_ACCRUAL);
    expect(accrualFor("payment", { ...waits, payment: [["notifications"]] })).to.equal(RELAYING_ACCRUAL);
  });

  it("writes whole seconds and an integer count, and refuses a setting Linkerd would drop", () => {
    expect(accrualAnnotations({ maxFailures: 3, minPenaltySeconds: 2, maxPenaltySeconds: 8 })).to.deep.equal({
      "balancer.linkerd.io/failure-accrual": "consecutive",
      "balancer.linkerd.io/failure-accrual-consecutive-max-failures": "3",
      "balancer.linkerd.io/failure-accrual-consecutive-min-penalty": "2s",
      "balancer.linkerd.io/failure-accrual-consecutive-max-penalty": "8s",
    });
    expect(() => accrualAnnotations({ maxFailures: 5, minPenaltySeconds: 0.5, maxPenaltySeconds: 8 })).to.throw(RangeError);
    expect(() => accrualAnnotations({ maxFailures: 5, minPenaltySeconds: 9, maxPenaltySeconds: 8 })).to.throw(RangeError);
    expect(() => accrualAnnotations({ maxFailures: 0, minPenaltySeconds: 1, maxPenaltySeconds: 8 })).to.throw(RangeError);
  });
});
