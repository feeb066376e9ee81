/**
 * The pack's configuration (Pulumi PolicyPackConfig, per policy): the
 * shop's namespace, which a stack sets as `meshmart:namespace` and the pack
 * cannot read, is each namespace-scoped policy's `namespace` property
 * (default "meshmart", the stacks' value). Set it for every such policy in
 * the file given to `--policy-pack-config` when a fork renames the namespace.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The namespace every stack file sets (Pulumi.<stack>.yaml, meshmart:namespace). */
export const DEFAULT_SHOP_NAMESPACE = "meshmart";

export const SHOP_NAMESPACE_SCHEMA: PolicyConfigSchema = {
  properties: {
    namespace: { type: "string", default: DEFAULT_SHOP_NAMESPACE, description: "The shop's namespace (the stack's meshmart:namespace)." },
  },
};

/** The configured shop namespace (the engine fills the schema's default; the fallback covers a caller that does not). */
export function shopNamespace(args: { getConfig<T extends object>(): T }): string {
  return args.getConfig<{ namespace?: string }>().namespace ?? DEFAULT_SHOP_NAMESPACE;
}
