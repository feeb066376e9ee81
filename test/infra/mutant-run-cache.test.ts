/**
 * The mutation runs' reuse of stack runs (support/mutant-run-cache.ts): off
 * unless the environment switches it on; a run is reused only for a mutant
 * its dry run never reached, and only a dry run records.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACTIVE_MUTANT_ENV } from "../support/active-mutant";
import { CACHE_ENV, MutantRunCache, reachedMutants } from "./support/mutant-run-cache";

describe("mutation runs: reuse of the runs under mocks", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "meshmart-mutant-cache-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cache = (active?: string) => MutantRunCache.fromEnv(dir, { [CACHE_ENV]: "runs", ...(active ? { [ACTIVE_MUTANT_ENV]: active } : {}) })!;

  it("is off without MESHMART_MUTANT_RUN_CACHE, even with a mutant active", () => {
    expect(MutantRunCache.fromEnv(dir, {})).to.equal(undefined);
    expect(MutantRunCache.fromEnv(dir, { [ACTIVE_MUTANT_ENV]: "7" })).to.equal(undefined);
  });

  it("reuses a dry run's result only for a mutant that run never reached", () => {
    const key = MutantRunCache.key(["dev", "{}"]);
    cache().record(key, '{"stack":"dev"}', JSON.stringify(["3", "7"]));
    expect(cache("12").reuse(key)).to.equal('{"stack":"dev"}');
    expect(cache("7").reuse(key), "reached: made again").to.equal(undefined);
    expect(cache("3").reuse(key), "reached: made again").to.equal(undefined);
  });

  it("makes again a run the dry run did not record, and reuses nothing in the dry run itself", () => {
    const key = MutantRunCache.key(["istio", "{}"]);
    expect(cache("12").reuse(key)).to.equal(undefined);
    cache().record(key, "{}", "[]");
    expect(cache().reuse(key)).to.equal(undefined);
  });

  it("records only in the dry run", () => {
    const key = MutantRunCache.key(["linkerd", "{}"]);
    cache("5").record(key, '{"mutated":true}', "[]");
    expect(cache("12").reuse(key)).to.equal(undefined);
  });

  it("keys runs by every argument", () => {
    expect(MutantRunCache.key(["dev", "{}"])).to.not.equal(MutantRunCache.key(["dev", "{}", "--preview"]));
    expect(MutantRunCache.key(["dev", '{"a":"1"}'])).to.not.equal(MutantRunCache.key(["dev", '{"a":"2"}']));
  });

  it("reads the reached ids from Stryker's coverage, static and per test", () => {
    const g = globalThis as { __stryker__?: unknown };
    const before = g.__stryker__;
    try {
      delete g.__stryker__;
      expect(reachedMutants()).to.deep.equal([]);
      // The shape @stryker-mutator/api 10.1.1 declares (core/mutant-coverage.d.ts): id → hits.
      g.__stryker__ = { mutantCoverage: { static: { "4": 1, "10": 3 }, perTest: { "a test": { "10": 1, "2": 1 } } } };
      expect(reachedMutants()).to.deep.equal(["10", "2", "4"]);
    } finally {
      g.__stryker__ = before;
      if (before === undefined) delete g.__stryker__;
    }
  });
});
