/**
 * istio: Istio with sidecars. base → istiod; the shop's namespace is
 * injected, and so are ingress-nginx (outbound only) and Prometheus (for its
 * certificate only). STRICT mTLS and AuthorizationPolicies by service-account
 * principal enforce the authorization graph (default deny); VirtualServices
 * time out every route, retry GETs only and split payment over the
 * DestinationRule's v1/v2 subsets by the configured weight; DestinationRules
 * add connection pools and outlier detection. NetworkPolicies keep the
 * namespace's boundary underneath. See infra/mesh/istio/.
 */
import { REDIS_APP } from "../infra/redis/redis-spec";
import { IstioControlPlane } from "../infra/mesh/istio/istio-control-plane";
import { IstioMeshPolicy } from "../infra/mesh/istio/istio-mesh-policy";
import {
  CONTROL_PLANE_PORTS,
  INGRESS_POD_ANNOTATIONS,
  ISTIO_NAMESPACE,
  PROXY_PORTS,
  INGRESS_POD_LABELS,
  INJECTION_LABELS,
  SIDECAR_RESOURCES,
  WORKLOAD_POD_ANNOTATIONS,
  edgeClientPodAnnotations,
  ingressAnnotations,
  prometheusPod,
  scrapeTls,
} from "../infra/mesh/istio/istio-values";
import { canarySplit, meshTimeouts } from "../infra/mesh/route-numbers";
import { EDGE_GATEWAY_NAME, EDGE_GATEWAY_NAMESPACE } from "../infra/edge/gateway-routes-spec";
import { ISTIO_GATEWAY_CLASS, istioGatewayEdge, istioGatewayService } from "../infra/edge/istio-gateway-class";
import { edgeClientPort, INGRESS_NGINX_EDGE } from "../infra/edge/edge-peer";
import type { GatewayImplementation } from "../infra/edge/edge-gateway";
import { JAEGER_HOST, JAEGER_PORTS } from "../infra/platform/jaeger-values";
import { externalRedisEndpoint, meshBoundary, meshPeers } from "./mesh-inputs";
import { flaggerTargets } from "./progressive-delivery";
import type { StackPlan } from "./stack-plan";

export const istio: StackPlan = {
  canary: "mesh",
  installMesh: ({ config, provider }) => {
    // Proxy spans: the collector's OTLP/gRPC port, the stack's sampling ratio.
    const tracing = config.tracing.enabled ? { service: JAEGER_HOST, port: JAEGER_PORTS.otlpGrpc, sampleRatio: config.tracing.sampleRatio } : undefined;
    // The Gateway API edge: istiod provisions the Gateway (GatewayClass istio) after the pinned Gateway API CRDs.
    const gatewayApi = config.edge === "gateway-api";
    const controlPlane = new IstioControlPlane("istio", { tracing, gatewayEdge: gatewayApi ? { installCrds: config.gatewayApiCrds } : undefined }, { provider });
    const gatewayApiCrds = controlPlane.gatewayApiCrds ? [controlPlane.gatewayApiCrds] : [];
    const service = istioGatewayService(config.ingress.serviceType, {
      http: config.ingress.nodePort,
      https: config.ingress.tls === "off" ? undefined : config.ingress.httpsNodePort,
    });
    const gatewayEdge: GatewayImplementation | undefined = gatewayApi
      ? {
          className: ISTIO_GATEWAY_CLASS,
          edge: istioGatewayEdge(EDGE_GATEWAY_NAME, EDGE_GATEWAY_NAMESPACE),
          gatewayAnnotations: service.annotations,
          parameters: service.parameters,
          crdDependsOn: gatewayApiCrds,
          dependsOn: [controlPlane.release],
        }
      : undefined;
    return {
      namespaceLabels: INJECTION_LABELS,
      podAnnotations: WORKLOAD_POD_ANNOTATIONS,
      edgeClientPodAnnotations: edgeClientPodAnnotations(edgeClientPort(gatewayEdge?.edge ?? INGRESS_NGINX_EDGE, config.ingress.tls !== "off")),
      podOverhead: SIDECAR_RESOURCES,
      dependsOn: [controlPlane.release],
      crdDependsOn: [...gatewayApiCrds, controlPlane.crdRelease, controlPlane.release],
      gatewayEdge,
      ingress: {
        pods: { labels: INGRESS_POD_LABELS, annotations: INGRESS_POD_ANNOTATIONS },
        ingressAnnotations: ingressAnnotations("gateway", config.namespace),
      },
      prometheus: { pods: prometheusPod(), scrape: scrapeTls() },
      // The sidecars' spans (OTLP/gRPC); Jaeger is not meshed here.
      collectorPorts: [JAEGER_PORTS.otlpGrpc],
    };
  },
  applyPolicy: (ctx) => [
    new IstioMeshPolicy(
      "istio-policy",
      {
        namespace: ctx.namespace,
        edges: ctx.edges,
        peers: meshPeers(ctx),
        redisService: REDIS_APP,
        externalRedis: externalRedisEndpoint(ctx.config),
        timeouts: meshTimeouts(ctx.config.workloads.upstreamTimeoutMs),
        canary: canarySplit(ctx.config.canary.weight),
        // meshmart:canary flagger: payment's routes are Flagger's.
        flaggerRouted: flaggerTargets(ctx.config),
        crdReleases: ctx.mesh.crdDependsOn ?? [],
        monitoringRelease: ctx.monitoring?.release,
      },
      { provider: ctx.provider },
    ),
    meshBoundary(ctx, { controlPlane: { namespace: ISTIO_NAMESPACE, ports: CONTROL_PLANE_PORTS }, proxyPorts: PROXY_PORTS }),
  ],
};
