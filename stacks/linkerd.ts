/**
 * linkerd: Linkerd's proxies. Gateway API CRDs → linkerd-crds →
 * linkerd-control-plane (identity certificates generated here) →
 * linkerd-viz; the shop's namespace is injected with a default-deny inbound
 * policy, and ingress-nginx and Prometheus are meshed so they call with an
 * identity. Server / AuthorizationPolicy / MeshTLSAuthentication grant
 * exactly the authorization graph; HTTPRoutes split payment across the
 * payment-v1 and payment-v2 Services by the configured weight, and their
 * annotations time out every route and retry GETs only; the called services'
 * Services carry consecutive-failure accrual (circuit breaking). NetworkPolicies keep
 * the namespace's boundary underneath. See infra/mesh/linkerd/.
 */
import { LinkerdControlPlane } from "../infra/mesh/linkerd/linkerd-control-plane";
import { failureAccrualServiceAnnotations } from "../infra/mesh/linkerd/failure-accrual";
import { LinkerdMeshPolicy } from "../infra/mesh/linkerd/linkerd-mesh-policy";
import {
  COLLECTOR_NAMESPACE_ANNOTATIONS,
  CONTROL_PLANE_PORTS,
  INGRESS_ANNOTATIONS,
  LINKERD_NAMESPACE,
  PROXY_INBOUND_PORT,
  PROXY_PORTS,
  VIZ_PEERS,
  INGRESS_POD_ANNOTATIONS,
  NAMESPACE_ANNOTATIONS,
  edgeGatewayPodAnnotations,
  PROMETHEUS_POD_ANNOTATIONS,
  PROXY_RESOURCES,
} from "../infra/mesh/linkerd/linkerd-values";
import { canarySplit, meshTimeouts } from "../infra/mesh/route-numbers";
import { JAEGER_HOST, JAEGER_PORTS, JAEGER_SERVICE_ACCOUNT, TRACING_NAMESPACE } from "../infra/platform/jaeger-values";
import { versionServiceNames } from "../infra/workload/spec";
import { envoyListenerPorts } from "../infra/edge/envoy-gateway-values";
import { envoyEdge } from "./envoy-edge";
import { meshBoundary, meshPeers } from "./mesh-inputs";
import { flaggerTargets } from "./progressive-delivery";
import type { StackPlan } from "./stack-plan";

export const linkerd: StackPlan = {
  canary: "mesh",
  installMesh: (ctx) => {
    const { config, provider } = ctx;
    // Proxy spans to the collector's OTLP/gRPC port, over mTLS to its identity (its namespace is meshed).
    const tracing = config.tracing.enabled
      ? { endpoint: `${JAEGER_HOST}:${JAEGER_PORTS.otlpGrpc}`, serviceAccount: JAEGER_SERVICE_ACCOUNT, namespace: TRACING_NAMESPACE }
      : undefined;
    const controlPlane = new LinkerdControlPlane("linkerd", { installGatewayApiCrds: config.mesh === "linkerd" && config.gatewayApiCrds, tracing }, { provider });
    // The Gateway API edge: Envoy Gateway, its proxy pods meshed after the injector, on the control plane's Gateway API CRDs.
    const gatewayEdge =
      config.edge === "gateway-api"
        ? envoyEdge(ctx, {
            podAnnotations: edgeGatewayPodAnnotations(envoyListenerPorts(config.ingress.tls !== "off")),
            dependsOn: [controlPlane.release],
            gatewayApiCrds: controlPlane.gatewayApiCrds ? [controlPlane.gatewayApiCrds] : [],
          })
        : undefined;
    return {
      namespaceAnnotations: NAMESPACE_ANNOTATIONS,
      podOverhead: PROXY_RESOURCES,
      gatewayEdge,
      // Circuit breaking: every Service some service calls, by tier.
      serviceAnnotations: failureAccrualServiceAnnotations(),
      dependsOn: [controlPlane.release],
      crdDependsOn: [...(controlPlane.gatewayApiCrds ? [controlPlane.gatewayApiCrds] : []), controlPlane.crdRelease, controlPlane.release],
      ingress: { pods: { annotations: INGRESS_POD_ANNOTATIONS }, ingressAnnotations: INGRESS_ANNOTATIONS },
      prometheus: { pods: { annotations: PROMETHEUS_POD_ANNOTATIONS } },
      tracingNamespaceAnnotations: COLLECTOR_NAMESPACE_ANNOTATIONS,
      // The proxies' spans (OTLP/gRPC), and meshed connections to Jaeger's own proxy.
      collectorPorts: [JAEGER_PORTS.otlpGrpc, PROXY_INBOUND_PORT],
    };
  },
  applyPolicy: (ctx) => [
    new LinkerdMeshPolicy(
      "linkerd-policy",
      {
        namespace: ctx.namespace,
        edges: ctx.edges,
        peers: meshPeers(ctx),
        timeouts: meshTimeouts(ctx.config.workloads.upstreamTimeoutMs),
        canary: canarySplit(ctx.config.canary.weight),
        // meshmart:canary flagger: payment's routes are Flagger's.
        flaggerRouted: flaggerTargets(ctx.config),
        versionServices: versionServiceNames("payment"),
        crdDependsOn: ctx.mesh.crdDependsOn ?? [],
        monitoringRelease: ctx.monitoring?.release,
      },
      { provider: ctx.provider },
    ),
    meshBoundary(ctx, { controlPlane: { namespace: LINKERD_NAMESPACE, ports: CONTROL_PLANE_PORTS }, proxyPorts: PROXY_PORTS, addOns: VIZ_PEERS }),
  ],
};
