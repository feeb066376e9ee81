/**
 * Reuse of the program's runs under mocks during a StrykerJS mutation run,
 * and only then (stryker.config.json's command sets MESHMART_MUTANT_RUN_CACHE;
 * `npm test` never does, and every run is made).
 *
 * Stryker's instrumented code (mutant schemata) carries every mutant of a
 * file, each behind a switch on the active mutant's id, and counts in
 * `globalThis.__stryker__.mutantCoverage` ({ static, perTest }, id → hits)
 * every mutant whose place the code reaches. The dry run (no mutant active)
 * records, for each run, its result and the ids its code reached. With a
 * mutant active, a run whose recorded ids do not include it is read from that
 * record: the code it executes is the unmutated program's up to the first
 * place the mutant could switch on, and the baseline never got there, so the
 * result is the one recorded. Any run that reached the mutant, and any run the
 * dry run did not record, is made again. A mutant executed at module load
 * (a constant) is reached by every run, so every run is made for it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ACTIVE_MUTANT_ENV } from "../../support/active-mutant";

/** The directory of the records (relative to the repository's root: Stryker's sandbox in a mutation run). */
export const CACHE_ENV = "MESHMART_MUTANT_RUN_CACHE";

interface Coverage {
  static?: Record<string, number>;
  perTest?: Record<string, Record<string, number>>;
}

/** The ids of the mutants this process's instrumented code has reached so far (none outside a mutation run). */
export function reachedMutants(): string[] {
  const coverage = (globalThis as { __stryker__?: { mutantCoverage?: Coverage } }).__stryker__?.mutantCoverage;
  if (!coverage) return [];
  const ids = new Set(Object.keys(coverage.static ?? {}));
  for (const perTest of Object.values(coverage.perTest ?? {})) for (const id of Object.keys(perTest)) ids.add(id);
  return [...ids].sort();
}

/** Where a run's child writes the ids its code reached, next to its result (only when the cache is on). */
export const reachedFile = (out: string): string => `${out}.mutants.json`;

export class MutantRunCache {
  private constructor(
    private readonly dir: string,
    /** The mutant under test; undefined in the dry run, which records. */
    readonly activeMutant: string | undefined,
  ) {}

  /** The cache when the environment switches it on (a mutation run), else undefined. */
  static fromEnv(root: string, env: NodeJS.ProcessEnv = process.env): MutantRunCache | undefined {
    const dir = env[CACHE_ENV];
    if (!dir) return undefined;
    return new MutantRunCache(resolve(root, dir), env[ACTIVE_MUTANT_ENV] || undefined);
  }

  /** A run's key: everything that chooses what it does (the child's arguments but the output file). */
  static key(args: readonly string[]): string {
    return createHash("sha256").update(JSON.stringify(args)).digest("hex").slice(0, 24);
  }

  private paths(key: string) {
    return { result: join(this.dir, `${key}.json`), reached: join(this.dir, `${key}.mutants.json`) };
  }

  /** The recorded result of a run that provably behaves as in the dry run with the active mutant, else undefined. */
  reuse(key: string): string | undefined {
    if (this.activeMutant === undefined) return undefined;
    const { result, reached } = this.paths(key);
    if (!existsSync(result) || !existsSync(reached)) return undefined;
    const ids = JSON.parse(readFileSync(reached, "utf8")) as string[];
    return ids.includes(this.activeMutant) ? undefined : readFileSync(result, "utf8");
  }

  /** Keeps a dry-run result and the ids its child reached (a mutant run records nothing). */
  record(key: string, resultText: string, reachedText: string): void {
    if (this.activeMutant !== undefined) return;
    mkdirSync(this.dir, { recursive: true });
    const { result, reached } = this.paths(key);
    // The result last, each written whole: a half-written pair is never read as a record.
    writeFileSync(`${reached}.tmp`, reachedText);
    renameSync(`${reached}.tmp`, reached);
    writeFileSync(`${result}.tmp`, resultText);
    renameSync(`${result}.tmp`, result);
  }
}
