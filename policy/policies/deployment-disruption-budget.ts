/**
 * Every Deployment in the shop's namespace that a Service sends traffic to is
 * covered by a PodDisruptionBudget in that namespace whose selector picks its
 * pods, so a node drain never takes a service's last ready pod. A Deployment
 * no Service selects (the load generator) serves no one and is left alone.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { describe, inNamespace, isEmptySelector, isKind, isServed, podTemplateLabels, selects } from "../kube-objects";
import { SHOP_NAMESPACE_SCHEMA, shopNamespace } from "../pack-config";

export const deploymentDisruptionBudget: StackValidationPolicy = {
  name: "deployment-disruption-budget",
  description: "Every Deployment in the shop's namespace that a Service selects has a PodDisruptionBudget selecting its pods.",
  enforcementLevel: "mandatory",
  configSchema: SHOP_NAMESPACE_SCHEMA,
  validateStack: (args, reportViolation) => {
    const namespace = shopNamespace(args);
    const inShop = args.resources.filter((r) => inNamespace(r, namespace));
    const budgets = inShop.filter((r) => isKind(r.type, "policy", "PodDisruptionBudget"));
    for (const d of inShop.filter((r) => isKind(r.type, "apps", "Deployment") && isServed(r, inShop, namespace))) {
      const labels = podTemplateLabels(d);
      const covered = budgets.some((b) => !isEmptySelector(b.props["spec"]?.["selector"]) && selects(b.props["spec"]?.["selector"], labels));
      if (!covered) {
        reportViolation(
          `${describe(d)} has no PodDisruptionBudget selecting its pods (labels ${JSON.stringify(labels)}). Fix: add a policy/v1 PodDisruptionBudget in ${namespace} with spec.selector.matchLabels of its pod labels and maxUnavailable: 1.`,
          d.urn,
        );
      }
    }
  },
};
