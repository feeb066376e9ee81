/**
 * Every custom resource depends, directly or through what it (or a
 * component it belongs to) depends on, on the resource that installs its
 * CRD, so `pulumi up` never sends a custom resource before the API server
 * knows its kind. A stack policy: it follows the dependency graph. Groups the
 * cluster provides itself (e.g. Gateway API with meshmart:gatewayApiCrds
 * false) are listed in the `clusterProvidedGroups` config.
 */
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { apiGroup, installerFor, isAnyCrdInstaller, isCustomResource } from "../crd-installers";
import { describe } from "../kube-objects";

const SCHEMA: PolicyConfigSchema = {
  properties: {
    clusterProvidedGroups: { type: "array", items: { type: "string" }, default: [], description: "API groups whose CRDs the cluster brings (no installer in the stack)." },
  },
};

/** Everything `r` waits for: its dependencies and its ancestors' dependencies, transitively. */
export function waitsFor(r: PolicyResource): Set<PolicyResource> {
  const seen = new Set<PolicyResource>();
  const direct = (x: PolicyResource) => {
    const out: PolicyResource[] = [];
    for (let cur: PolicyResource | undefined = x; cur; cur = cur.parent) out.push(...cur.dependencies);
    return out;
  };
  const queue = direct(r);
  while (queue.length > 0) {
    const d = queue.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    queue.push(...direct(d));
  }
  return seen;
}

export const customResourcesAfterCrds: StackValidationPolicy = {
  name: "custom-resources-after-crds",
  description: "Every custom resource depends (transitively) on the Helm release or manifest that installs its CRD.",
  enforcementLevel: "mandatory",
  configSchema: SCHEMA,
  validateStack: (args, reportViolation) => {
    const provided = new Set(args.getConfig<{ clusterProvidedGroups?: string[] }>().clusterProvidedGroups ?? []);
    for (const r of args.resources.filter(isCustomResource)) {
      const group = apiGroup(r);
      if (provided.has(group)) continue;
      const row = installerFor(group);
      const installs = row ? row.installs : isAnyCrdInstaller;
      const what = row ? row.installer : "a CRD installer (Helm release, YAML ConfigFile/ConfigGroup, Kustomize directory or CustomResourceDefinition)";
      if (![...waitsFor(r)].some(installs)) {
        const present = args.resources.filter(installs);
        reportViolation(
          `${describe(r)} (${group}) does not depend on ${what}${present.length > 0 ? ` (the stack has ${present.map((p) => `"${p.name}"`).join(", ")})` : " (the stack has none)"}. Fix: add that resource to its dependsOn (or its component's); if the cluster brings the CRDs, list ${group} in the policy's clusterProvidedGroups config.`,
          r.urn,
        );
      }
    }
  },
};
