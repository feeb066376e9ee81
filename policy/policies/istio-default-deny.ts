/**
 * In a stack that runs Istio, the shop's namespace accepts mutual TLS only
 * (a PeerAuthentication with mtls.mode STRICT and no workload selector, and
 * no port-level exception) and denies every request no ALLOW policy grants
 * (an "allow-nothing" AuthorizationPolicy: empty spec, no selector, no
 * rules). Both may sit in the shop's namespace or, mesh-wide, in Istio's
 * root namespace (where istiod is installed).
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { inNamespace, isKind } from "../kube-objects";
import { SHOP_NAMESPACE_SCHEMA, shopNamespace } from "../pack-config";
import { chartName, isHelmRelease, meshesOf } from "../stack-mesh";

export function isStrictForAll(pa: PolicyResource): boolean {
  const spec = (pa.props["spec"] ?? {}) as Record<string, any>;
  const portModes = Object.values((spec["portLevelMtls"] ?? {}) as Record<string, { mode?: string }>).map((p) => p.mode);
  return spec["mtls"]?.["mode"] === "STRICT" && spec["selector"] === undefined && portModes.every((m) => m === "STRICT");
}

/** Istio's allow-nothing: action ALLOW (the default), no rules, applied to every workload. */
export function isAllowNothing(ap: PolicyResource): boolean {
  const spec = (ap.props["spec"] ?? {}) as Record<string, any>;
  return (
    (spec["action"] ?? "ALLOW") === "ALLOW" &&
    (spec["rules"] ?? []).length === 0 &&
    spec["selector"] === undefined &&
    spec["targetRef"] === undefined &&
    (spec["targetRefs"] ?? []).length === 0
  );
}

export const istioDefaultDeny: StackValidationPolicy = {
  name: "istio-default-deny",
  description: "With Istio: STRICT mutual TLS (PeerAuthentication) and an allow-nothing AuthorizationPolicy cover the shop's namespace.",
  enforcementLevel: "mandatory",
  configSchema: SHOP_NAMESPACE_SCHEMA,
  validateStack: (args, reportViolation) => {
    const namespace = shopNamespace(args);
    if (!meshesOf(args.resources, namespace).has("istio")) return args.notApplicable("the stack runs no Istio");
    const scopes = new Set([namespace, ...args.resources.filter((r) => isHelmRelease(r) && chartName(r) === "istiod").map((r) => String(r.props["namespace"]))]);
    const inScope = (r: PolicyResource) => [...scopes].some((s) => inNamespace(r, s));
    const peer = args.resources.filter((r) => isKind(r.type, "security.istio.io", "PeerAuthentication") && inScope(r));
    const authz = args.resources.filter((r) => isKind(r.type, "security.istio.io", "AuthorizationPolicy") && inScope(r));
    const where = [...scopes].join(" or ");
    if (!peer.some(isStrictForAll)) {
      reportViolation(
        `No STRICT PeerAuthentication covers the shop's namespace ${namespace} (looked in ${where}). Fix: add a security.istio.io/v1 PeerAuthentication "default" in ${namespace} with spec {mtls: {mode: "STRICT"}}, no selector and no portLevelMtls exception.`,
      );
    }
    if (!authz.some(isAllowNothing)) {
      reportViolation(
        `No allow-nothing AuthorizationPolicy covers the shop's namespace ${namespace} (looked in ${where}). Fix: add a security.istio.io/v1 AuthorizationPolicy "allow-nothing" in ${namespace} with spec {} and grant each caller with its own ALLOW policy.`,
      );
    }
  },
};
