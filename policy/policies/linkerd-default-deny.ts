/**
 * In a stack that runs Linkerd, the shop's namespace denies by default: its
 * Namespace carries `config.linkerd.io/default-inbound-policy: deny`, so a
 * port no Server and AuthorizationPolicy open refuses every connection, and
 * no workload there overrides it on its pod template.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { describe, inNamespace, isKind, known, objectName } from "../kube-objects";
import { SHOP_NAMESPACE_SCHEMA, shopNamespace } from "../pack-config";
import { meshesOf } from "../stack-mesh";

export const LINKERD_DEFAULT_POLICY = "config.linkerd.io/default-inbound-policy";

export const linkerdDefaultDeny: StackValidationPolicy = {
  name: "linkerd-default-deny",
  description: "With Linkerd: the shop's namespace's default inbound policy is deny, and no pod template there overrides it.",
  enforcementLevel: "mandatory",
  configSchema: SHOP_NAMESPACE_SCHEMA,
  validateStack: (args, reportViolation) => {
    const namespace = shopNamespace(args);
    if (!meshesOf(args.resources, namespace).has("linkerd")) return args.notApplicable("the stack runs no Linkerd");
    const ns = args.resources.find((r) => isKind(r.type, "", "Namespace") && objectName(r) === namespace);
    const value = ns?.props["metadata"]?.["annotations"]?.[LINKERD_DEFAULT_POLICY];
    if (value !== "deny") {
      reportViolation(
        `${ns ? describe(ns) : `The shop's namespace ${namespace} (not created by this stack)`}: ${LINKERD_DEFAULT_POLICY} is ${value === undefined ? "unset (the cluster default, all-unauthenticated, applies)" : JSON.stringify(value)}. Fix: annotate the Namespace ${LINKERD_DEFAULT_POLICY}: deny, and open each route with a Server, HTTPRoute and AuthorizationPolicy.`,
        ns?.urn,
      );
    }
    for (const w of args.resources.filter((r) => isKind(r.type, "", "Namespace") === false && known(() => r.props["spec"]?.["template"]) !== undefined && inNamespace(r, namespace))) {
      const override = known(() => w.props["spec"]?.["template"]?.["metadata"]?.["annotations"]?.[LINKERD_DEFAULT_POLICY]);
      if (override !== undefined && override !== "deny") {
        reportViolation(`${describe(w)} overrides ${LINKERD_DEFAULT_POLICY} to ${JSON.stringify(override)} on its pods. Fix: remove the pod annotation; authorize its callers with an AuthorizationPolicy instead.`, w.urn);
      }
    }
  },
};
