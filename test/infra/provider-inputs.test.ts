/**
 * Provider inputs that a mock accepts and the real provider would reject,
 * checked against upstream's accepted values (fixtures/upstream.ts), for
 * every stack's run.
 */
import { expect } from "chai";
import { TLS_ALLOWED_USES } from "./fixtures/upstream";
import { allRuns, type StackRun } from "./support/stacks";

const CERT_TYPES = ["tls:index/selfSignedCert:SelfSignedCert", "tls:index/locallySignedCert:LocallySignedCert"];

describe("provider inputs the real providers accept", function () {
  this.timeout(180_000);
  let runs: Record<string, StackRun>;
  before(async () => {
    runs = await allRuns();
  });

  it("every TLS certificate's allowedUses are values the TLS provider accepts", () => {
    const certs = Object.values(runs).flatMap((r) => r.resources.filter((x) => CERT_TYPES.includes(x.type)));
    expect(certs.length, "the linkerd stacks generate certificates").to.be.greaterThan(0);
    for (const cert of certs) {
      const uses = cert.inputs.allowedUses as string[];
      expect(uses, cert.urn).to.be.an("array").that.is.not.empty;
      for (const use of uses) expect(TLS_ALLOWED_USES as readonly string[], `${cert.urn}: ${use}`).to.include(use);
    }
  });
});
