/**
 * The shop's namespace denies all traffic by default at L4: a NetworkPolicy
 * there selects every pod (empty podSelector), lists both Ingress and Egress
 * in policyTypes and allows nothing itself; the other NetworkPolicies then
 * open exactly the authorization graph's edges (dev), or the namespace's
 * boundary under the mesh (istio, linkerd).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { inNamespace, isEmptySelector, isKind } from "../kube-objects";
import { SHOP_NAMESPACE_SCHEMA, shopNamespace } from "../pack-config";

export function isDefaultDeny(policy: PolicyResource): boolean {
  const spec = (policy.props["spec"] ?? {}) as Record<string, any>;
  const types = (spec["policyTypes"] ?? []) as string[];
  return (
    spec["podSelector"] !== undefined &&
    isEmptySelector(spec["podSelector"]) &&
    types.includes("Ingress") &&
    types.includes("Egress") &&
    (spec["ingress"] ?? []).length === 0 &&
    (spec["egress"] ?? []).length === 0
  );
}

export const networkDefaultDeny: StackValidationPolicy = {
  name: "network-default-deny",
  description: "The shop's namespace has a default-deny NetworkPolicy (every pod, Ingress and Egress, no rules).",
  enforcementLevel: "mandatory",
  configSchema: SHOP_NAMESPACE_SCHEMA,
  validateStack: (args, reportViolation) => {
    const namespace = shopNamespace(args);
    const policies = args.resources.filter((r) => isKind(r.type, "networking.k8s.io", "NetworkPolicy") && inNamespace(r, namespace));
    if (!policies.some(isDefaultDeny)) {
      reportViolation(
        `No default-deny NetworkPolicy in the shop's namespace ${namespace} (${policies.length} NetworkPolicies there, none with podSelector {}, policyTypes [Ingress, Egress] and no rules). Fix: add one, e.g. name "default-deny", spec {podSelector: {}, policyTypes: ["Ingress", "Egress"]}, and allow each edge with its own NetworkPolicy.`,
      );
    }
  },
};
