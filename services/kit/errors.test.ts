/** How a failure that escapes a handler becomes an answer (errors.ts). */
import { expect } from "chai";
import { AppError, toAppError, treatAsStoreUnavailable } from "./errors";

/** Errors of two made-up stores, each taught by its own check, as a store's client module does when it loads. */
class FirstStoreDown extends Error {}
class SecondStoreDown extends Error {}

describe("kit: errors that escape a handler", () => {
  before(() => {
    treatAsStoreUnavailable((err) => err instanceof FirstStoreDown);
    treatAsStoreUnavailable((err) => err instanceof SecondStoreDown);
  });

  it("an error any registered check recognises is a store that cannot serve now: 503, expected", () => {
    for (const err of [new FirstStoreDown("first: connection refused"), new SecondStoreDown("second: timeout")]) {
      const { error, unexpected } = toAppError(err);
      expect({ status: error.status, body: error.body(), unexpected }).to.deep.equal({
        status: 503,
        body: { error: { code: "store_unavailable", message: `the data store is unavailable: ${err.message}` } },
        unexpected: false,
      });
    }
  });

  it("anything else is a 500 that says nothing of its cause, and unexpected", () => {
    const { error, unexpected } = toAppError(new Error("secret detail"));
    expect({ status: error.status, body: error.body(), unexpected }).to.deep.equal({ status: 500, body: { error: { code: "internal", message: "internal error" } }, unexpected: true });
    const conflict = new AppError(409, "conflict", "taken");
    expect(toAppError(conflict)).to.deep.equal({ error: conflict, unexpected: false });
  });
});
