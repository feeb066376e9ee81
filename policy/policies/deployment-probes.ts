/**
 * Every Deployment in the shop's namespace tells the kubelet when each
 * container is ready (readinessProbe: no traffic before, none while Redis is
 * away) and when it is stuck (livenessProbe: restart it).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, inNamespace, isKind, podSpec } from "../kube-objects";
import { SHOP_NAMESPACE_SCHEMA, shopNamespace } from "../pack-config";

export const deploymentProbes: ResourceValidationPolicy = {
  name: "deployment-probes",
  description: "Every Deployment in the shop's namespace has a readiness and a liveness probe on each container.",
  enforcementLevel: "mandatory",
  configSchema: SHOP_NAMESPACE_SCHEMA,
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "apps", "Deployment")) return args.notApplicable("not a Deployment");
    const namespace = shopNamespace(args);
    if (!inNamespace(args, namespace)) return args.notApplicable(`not in the shop's namespace ${namespace}`);
    for (const c of (podSpec(args)!["containers"] ?? []) as Record<string, any>[]) {
      const missing = ["readinessProbe", "livenessProbe"].filter((p) => c[p] === undefined);
      if (missing.length > 0) {
        reportViolation(`${describe(args)}, container "${c["name"]}": no ${missing.join(" and no ")}. Fix: give the container a readinessProbe (e.g. GET /readyz) and a livenessProbe (e.g. GET /healthz).`);
      }
    }
  },
};
