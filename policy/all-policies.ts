/**
 * The pack's policies, in the order docs/policy.md lists them. A fork adds
 * its own module under policies/ and one line here.
 */
import type { Policies } from "@pulumi/policy";
import { containerHardening } from "./policies/container-hardening";
import { containerResources } from "./policies/container-resources";
import { customResourcesAfterCrds } from "./policies/custom-resources-after-crds";
import { deploymentAutoscaling } from "./policies/deployment-autoscaling";
import { deploymentDisruptionBudget } from "./policies/deployment-disruption-budget";
import { deploymentProbes } from "./policies/deployment-probes";
import { imageByDigest } from "./policies/image-by-digest";
import { imageDigestPending } from "./policies/image-digest-pending";
import { istioDefaultDeny } from "./policies/istio-default-deny";
import { linkerdDefaultDeny } from "./policies/linkerd-default-deny";
import { namespacePodSecurity } from "./policies/namespace-pod-security";
import { networkDefaultDeny } from "./policies/network-default-deny";
import { noLoadBalancer } from "./policies/no-load-balancer";
import { noPlainSecrets } from "./policies/no-plain-secrets";

export const MESHMART_POLICIES: Policies = [
  containerHardening,
  containerResources,
  imageByDigest,
  imageDigestPending,
  deploymentProbes,
  deploymentDisruptionBudget,
  deploymentAutoscaling,
  namespacePodSecurity,
  networkDefaultDeny,
  istioDefaultDeny,
  linkerdDefaultDeny,
  noPlainSecrets,
  noLoadBalancer,
  customResourcesAfterCrds,
];
