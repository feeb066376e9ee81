/**
 * The PolicyPackConfig a stack's `--policy-pack-config` file would hold,
 * derived from the stack's own config (the run's PULUMI_CONFIG), as
 * docs/policy.md tells a user to write it:
 * - the shop's namespace (meshmart:namespace) for every namespace-scoped policy;
 * - allowLoadBalancer when meshmart:ingressServiceType is LoadBalancer;
 * - the Gateway API group as cluster-provided when meshmart:gatewayApiCrds is false;
 * - image-by-digest advisory when meshmart:imagePush is false (local images
 *   are referenced by tag; a cluster without a registry has no digest to use).
 */
import type { PolicyPackConfig } from "@pulumi/policy";

const NAMESPACED = [
  "deployment-probes",
  "deployment-disruption-budget",
  "deployment-autoscaling",
  "namespace-pod-security",
  "network-default-deny",
  "istio-default-deny",
  "linkerd-default-deny",
];

export function stackPolicyConfig(stackConfig: Record<string, string>): PolicyPackConfig {
  const config: PolicyPackConfig = {};
  const namespace = stackConfig["meshmart:namespace"];
  if (namespace !== undefined) for (const name of NAMESPACED) config[name] = { namespace };
  if (stackConfig["meshmart:ingressServiceType"] === "LoadBalancer") config["no-load-balancer"] = { allowLoadBalancer: true };
  if (stackConfig["meshmart:gatewayApiCrds"] === "false") config["custom-resources-after-crds"] = { clusterProvidedGroups: ["gateway.networking.k8s.io"] };
  if (stackConfig["meshmart:imagePush"] === "false") config["image-by-digest"] = "advisory";
  return config;
}
