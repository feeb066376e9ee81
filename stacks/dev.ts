/**
 * dev: no mesh. cart splits payments between v1 and v2 per request by the
 * canary weight, the services retry idempotent GETs themselves, and
 * NetworkPolicies enforce the authorization graph.
 */
import { NetworkPolicies } from "../infra/policy/network-policies";
import { DNS_PEER, networkPolicySpecs } from "../infra/policy/network-policy-spec";
import { CONTROLLER_HTTP_PORT, CONTROLLER_POD_LABELS, INGRESS_NAMESPACE } from "../infra/platform/ingress-nginx";
import { PROMETHEUS_POD_LABELS } from "../infra/platform/monitoring";
import { externalRedisEndpoint } from "./mesh-peers";
import type { StackPlan } from "./plan";

export const dev: StackPlan = {
  canary: "client",
  installMesh: () => ({ dependsOn: [] }),
  applyPolicy: ({ config, provider, namespace, edges }) => [
    new NetworkPolicies(
      "policy",
      {
        namespace,
        policies: networkPolicySpecs(edges, {
          ingress: { namespace: INGRESS_NAMESPACE, podLabels: CONTROLLER_POD_LABELS },
          edgePort: CONTROLLER_HTTP_PORT,
          monitoring: config.monitoring.enabled ? { namespace: config.monitoring.namespace, podLabels: PROMETHEUS_POD_LABELS } : undefined,
          dns: DNS_PEER,
          externalRedis: externalRedisEndpoint(config),
        }),
      },
      { provider },
    ),
  ],
};
