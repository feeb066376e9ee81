/**
 * What the picture's shop takes from the stacks' own config files, so it
 * runs as a stack would rather than on numbers of its own: the injected
 * fault rates of the demo (Pulumi.istio.yaml; the mesh stacks inject them,
 * dev none) and the payment canary split (Pulumi.<stack>.yaml,
 * meshmart:canaryWeight), as the variables the services read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ENV } from "../../services/topology";

const ROOT = join(__dirname, "..", "..");

/** The fault settings: the stack's config key (meshmart:<key>) is the services' ENV key of the same name. */
export const FAULT_KEYS = ["catalogErrorRate", "paymentDeclineRate", "paymentTimeoutRate"] as const;

/** Pulumi.<stack>.yaml's `meshmart:` settings, as written. */
export function stackSettings(stack: string): Record<string, string> {
  const file = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(file.config ?? {})
      .filter(([k]) => k.startsWith("meshmart:"))
      .map(([k, v]) => [k.slice("meshmart:".length), String(v)]),
  );
}

/** The stack's injected faults as the services' variables (CATALOG_ERROR_RATE…); a stack without one set is an error. */
export function faultEnv(stack: string): Record<string, string> {
  const settings = stackSettings(stack);
  const missing = FAULT_KEYS.filter((k) => settings[k] === undefined);
  if (missing.length > 0) throw new Error(`Pulumi.${stack}.yaml sets no ${missing.join(", ")}`);
  return Object.fromEntries(FAULT_KEYS.map((k) => [ENV[k], settings[k]!]));
}

/** The stack's percent of payments to v2. */
export function canaryWeight(stack: string): number {
  const weight = Number(stackSettings(stack).canaryWeight);
  if (!Number.isInteger(weight)) throw new Error(`Pulumi.${stack}.yaml has no whole meshmart:canaryWeight`);
  return weight;
}
