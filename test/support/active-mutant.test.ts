/** The active mutant handed to a child given an environment of its own (active-mutant.ts). */
import { INSTRUMENTER_CONSTANTS } from "@stryker-mutator/api/core";
import { expect } from "chai";
import { ACTIVE_MUTANT_ENV, activeMutant } from "./active-mutant";

describe("mutation runs: the active mutant reaches a child with an environment of its own", () => {
  it("is named by the variable Stryker's instrumented code reads", () => {
    expect(ACTIVE_MUTANT_ENV).to.equal(INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE);
  });

  it("passes that variable on, and nothing else of the test's environment", () => {
    const variable = INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE;
    expect(activeMutant({ [variable]: "42", PATH: "/bin", MESHMART_MUTATION: "1" })).to.deep.equal({ [variable]: "42" });
  });

  it("adds nothing outside a mutation run, or with no mutant active (the dry run)", () => {
    expect(activeMutant({ PATH: "/bin" })).to.deep.equal({});
    expect(activeMutant({ [INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE]: "" })).to.deep.equal({});
  });
});
