import { expect } from "chai";
import { RETENTION, retentionProblems } from "./retention";

describe("retention: no record that stops a double charge expires before what it protects", () => {
  it("holds for the shipped numbers", () => {
    expect(retentionProblems(RETENTION)).to.deep.equal([]);
    expect(RETENTION.paymentIdempotencyMs).to.be.at.least(RETENTION.pendingCheckoutMs + RETENTION.checkoutAttemptMs);
    expect(RETENTION.ordersIdempotencyMs).to.be.at.least(RETENTION.pendingCheckoutMs + RETENTION.checkoutAttemptMs);
  });

  it("names every record that would expire too early", () => {
    const short = { ...RETENTION, paymentIdempotencyMs: RETENTION.pendingCheckoutMs, ordersIdempotencyMs: 1 };
    const problems = retentionProblems(short);
    expect(problems).to.have.length(2);
    expect(problems[0]).to.match(/^payment's idempotency records/);
    expect(problems[1]).to.match(/^orders' idempotency records/);
    expect(retentionProblems({ ...RETENTION, pendingCheckoutMs: 1_000, checkoutAttemptMs: 2_000 })).to.deep.equal([
      "a pending checkout (1000 ms) must outlive one attempt (2000 ms)",
    ]);
    expect(retentionProblems({ ...RETENTION, cartIdleMs: 0 })).to.deep.equal(["cartIdleMs must be a positive whole number of ms; got 0"]);
  });
});
