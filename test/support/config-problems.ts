/**
 * The problems a configuration parser reports: runs `fn`, expects it to
 * throw the kit's ConfigError, and returns its list (one line per bad
 * variable, "<NAME>: <what is wrong>; got …").
 */
import { expect } from "chai";
import { ConfigError } from "../../services/kit/service-config";

export function configProblems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}
