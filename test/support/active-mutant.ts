/**
 * The active mutant of a StrykerJS mutation run, as Stryker names it to the
 * tests and to every process they start: one environment variable, which the
 * instrumented code reads to switch that mutant on.
 *
 * A test that starts a service with an environment of its own (not the
 * test's) adds activeMutant() to it; otherwise the service would run
 * unmutated and every mutant would survive it. Outside a mutation run it adds
 * nothing.
 *
 *   spawn(process.execPath, [bundle], { env: { PATH: process.env.PATH, PORT: "0", ...activeMutant() } });
 */

/** Stryker's variable (INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE in @stryker-mutator/api/core; active-mutant.test.ts checks it). */
export const ACTIVE_MUTANT_ENV = "__STRYKER_ACTIVE_MUTANT__";

export function activeMutant(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const id = env[ACTIVE_MUTANT_ENV];
  return id ? { [ACTIVE_MUTANT_ENV]: id } : {};
}
