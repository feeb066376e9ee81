/**
 * dev: no mesh. cart splits payments between v1 and v2 per request by the
 * canary weight, the services retry idempotent GETs themselves, and
 * NetworkPolicies enforce the authorization graph.
 */
import { JAEGER_PEER, JAEGER_PORTS } from "../infra/platform/jaeger-values";
import { collectorEgressPolicy, namespaceEdges } from "../infra/policy/collector-egress";
import { NetworkPolicies } from "../infra/policy/network-policies";
import { DNS_PEER, networkPolicySpecs } from "../infra/policy/authz-network-policy-spec";
import { PROMETHEUS_POD_LABELS } from "../infra/platform/monitoring";
import { edgeClientPort } from "../infra/edge/edge-peer";
import { envoyEdge } from "./envoy-edge";
import { edgeOf, externalRedisEndpoint } from "./mesh-inputs";
import type { StackPlan } from "./stack-plan";

export const dev: StackPlan = {
  canary: "client",
  // No mesh; with the Gateway API edge, Envoy Gateway (and the Gateway API CRDs).
  installMesh: (ctx) => ({ dependsOn: [], gatewayEdge: ctx.config.edge === "gateway-api" ? envoyEdge(ctx) : undefined }),
  applyPolicy: ({ config, provider, namespace, edges, mesh }) => [
    new NetworkPolicies(
      "policy",
      {
        namespace,
        // The in-namespace edges and the edge's; the collector (another namespace) is one egress policy of its own.
        policies: [
          ...networkPolicySpecs(namespaceEdges(edges), {
          ingress: { namespace: edgeOf(mesh).namespace, podLabels: edgeOf(mesh).podLabels },
          edgePort: edgeClientPort(edgeOf(mesh), config.ingress.tls !== "off"),
          monitoring: config.monitoring.enabled ? { namespace: config.monitoring.namespace, podLabels: PROMETHEUS_POD_LABELS } : undefined,
          dns: DNS_PEER,
          externalRedis: externalRedisEndpoint(config),
          }),
          // The services' spans: OTLP/HTTP to the collector's pods.
          ...collectorEgressPolicy(edges, JAEGER_PEER, [JAEGER_PORTS.otlpHttp]),
        ],
      },
      { provider },
    ),
  ],
};
