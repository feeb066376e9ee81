/**
 * Every Namespace the program creates says which Pod Security Standard the
 * API server enforces there (`pod-security.kubernetes.io/enforce`), with a
 * level Kubernetes knows; the shop's own namespace enforces `restricted`.
 * `audit` and `warn`, where set, must be known levels too.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, isKind, objectName } from "../kube-objects";
import { SHOP_NAMESPACE_SCHEMA, shopNamespace } from "../pack-config";

/** Pod Security Admission's levels and modes (k8s.io/pod-security-admission api/constants.go). */
export const PSA_LEVELS = ["privileged", "baseline", "restricted"] as const;
export const PSA_MODES = ["enforce", "audit", "warn"] as const;
const LABEL = (mode: string) => `pod-security.kubernetes.io/${mode}`;

export const namespacePodSecurity: ResourceValidationPolicy = {
  name: "namespace-pod-security",
  description: "Every Namespace carries a Pod Security Admission enforce label with a known level; the shop's namespace enforces restricted.",
  enforcementLevel: "mandatory",
  configSchema: SHOP_NAMESPACE_SCHEMA,
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "", "Namespace")) return args.notApplicable("not a Namespace");
    const labels = (args.props["metadata"]?.["labels"] ?? {}) as Record<string, string>;
    const enforce = labels[LABEL("enforce")];
    const known = (v: string | undefined) => (PSA_LEVELS as readonly string[]).includes(v as string);
    if (enforce === undefined) {
      reportViolation(`${describe(args)} has no ${LABEL("enforce")} label. Fix: label it with the Pod Security level its pods meet (restricted, baseline or privileged), and the same or stricter for audit and warn.`);
    }
    for (const mode of PSA_MODES) {
      const value = labels[LABEL(mode)];
      if (value !== undefined && !known(value)) {
        reportViolation(`${describe(args)}: ${LABEL(mode)} is ${JSON.stringify(value)}, not one of ${PSA_LEVELS.join(", ")}. Fix: use a known level.`);
      }
    }
    const namespace = shopNamespace(args);
    if (objectName(args) === namespace && enforce !== undefined && enforce !== "restricted") {
      reportViolation(`${describe(args)} is the shop's namespace but enforces ${JSON.stringify(enforce)}. Fix: label it ${LABEL("enforce")}: restricted (its pods are hardened for it).`);
    }
  },
};
