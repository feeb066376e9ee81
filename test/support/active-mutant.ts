/**
 * For a test that starts a service with an environment of its own (not the
 * test's): in a StrykerJS mutation run the active mutant is named to child
 * processes by one variable, which such an environment would leave out, so
 * the service would run unmutated and every mutant would survive it. Outside
 * a mutation run this adds nothing.
 *
 *   spawn(process.execPath, [bundle], { env: { PATH: process.env.PATH, PORT: "0", ...activeMutant() } });
 */
import { ACTIVE_MUTANT_ENV } from "../infra/support/mutant-run-cache";

export function activeMutant(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const id = env[ACTIVE_MUTANT_ENV];
  return id ? { [ACTIVE_MUTANT_ENV]: id } : {};
}
