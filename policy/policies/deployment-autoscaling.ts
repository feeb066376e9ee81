/**
 * Every Deployment in the shop's namespace is scaled by a
 * HorizontalPodAutoscaler, and then declares no `spec.replicas` (the HPA owns
 * it: a declared count would be reapplied on every `pulumi up`, undoing the
 * HPA's work). One exception: a canary track the stack splits itself by pod
 * count, that is a Deployment with a fixed `spec.replicas` that shares its
 * `app` label with another Deployment of a different `version` label (as
 * payment's v1 and v2 tracks are declared). A Deployment no Service selects
 * (the load generator) serves no load to scale on and is left alone.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { describe, inNamespace, isKind, isServed, objectName, podTemplateLabels } from "../kube-objects";
import { SHOP_NAMESPACE_SCHEMA, shopNamespace } from "../pack-config";

function targets(hpa: PolicyResource, deployment: PolicyResource): boolean {
  const ref = (hpa.props["spec"]?.["scaleTargetRef"] ?? {}) as Record<string, string>;
  return ref["kind"] === "Deployment" && ref["name"] === objectName(deployment) && (ref["apiVersion"] ?? "apps/v1").startsWith("apps/");
}

/** A track of a service that runs several versions (same `app` label, another `version`), sized by a fixed replica count. */
export function isSplitCanaryTrack(d: PolicyResource, deployments: readonly PolicyResource[]): boolean {
  if (d.props["spec"]?.["replicas"] === undefined) return false;
  const { app, version } = podTemplateLabels(d);
  if (app === undefined || version === undefined) return false;
  return deployments.some((o) => o !== d && podTemplateLabels(o)["app"] === app && podTemplateLabels(o)["version"] !== version);
}

export const deploymentAutoscaling: StackValidationPolicy = {
  name: "deployment-autoscaling",
  description: "Every Deployment in the shop's namespace that a Service selects is targeted by a HorizontalPodAutoscaler and then declares no replicas (a canary track the stack splits by pod count excepted).",
  enforcementLevel: "mandatory",
  configSchema: SHOP_NAMESPACE_SCHEMA,
  validateStack: (args, reportViolation) => {
    const namespace = shopNamespace(args);
    const inShop = args.resources.filter((r) => inNamespace(r, namespace));
    const hpas = inShop.filter((r) => isKind(r.type, "autoscaling", "HorizontalPodAutoscaler"));
    const deployments = inShop.filter((r) => isKind(r.type, "apps", "Deployment"));
    for (const d of deployments) {
      const mine = hpas.filter((h) => targets(h, d));
      const replicas = d.props["spec"]?.["replicas"];
      if (mine.length > 0 && replicas !== undefined) {
        reportViolation(
          `${describe(d)} declares spec.replicas ${replicas} while ${mine.map(describe).join(", ")} targets it. Fix: leave spec.replicas out and let the HPA's minReplicas size it.`,
          d.urn,
        );
      }
      if (mine.length === 0 && !isSplitCanaryTrack(d, deployments) && isServed(d, inShop, namespace)) {
        reportViolation(
          `${describe(d)} has no HorizontalPodAutoscaler. Fix: add an autoscaling/v2 HorizontalPodAutoscaler in ${namespace} with scaleTargetRef {apiVersion: "apps/v1", kind: "Deployment", name: "${objectName(d)}"} (a canary track the stack sizes itself keeps a fixed replicas and a version label beside its stable track).`,
          d.urn,
        );
      }
    }
  },
};
