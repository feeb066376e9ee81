/**
 * The Gateway API edge of the stacks without Istio (dev, linkerd): Envoy
 * Gateway, installed by its pinned chart, shaped by the stack's edge
 * settings (docs/edge.md).
 */
import { EnvoyGateway } from "../infra/edge/envoy-gateway";
import type { GatewayImplementation } from "../infra/edge/edge-gateway";
import { EDGE_GATEWAY_NAME, EDGE_GATEWAY_NAMESPACE } from "../infra/edge/gateway-routes-spec";
import type * as pulumi from "@pulumi/pulumi";
import type { MeshContext } from "./stack-plan";

export interface EnvoyEdgeMesh {
  /** Annotations that mesh the proxy pods. */
  readonly podAnnotations: Record<string, string>;
  /** What must be up before they start (the injector). */
  readonly dependsOn: pulumi.Resource[];
  /** What already applies the Gateway API CRDs (the mesh's control plane). */
  readonly gatewayApiCrds: pulumi.Resource[];
}

/** Envoy Gateway for the edge; `mesh` absent: no mesh, the program applies the Gateway API CRDs itself (gatewayApiCrds). */
export function envoyEdge({ config, provider }: MeshContext, mesh?: EnvoyEdgeMesh): GatewayImplementation {
  const tls = config.ingress.tls !== "off";
  return new EnvoyGateway(
    "envoy-gateway",
    {
      gateway: { name: EDGE_GATEWAY_NAME, namespace: EDGE_GATEWAY_NAMESPACE },
      proxy: {
        serviceType: config.ingress.serviceType,
        nodePorts: { http: config.ingress.nodePort, https: tls ? config.ingress.httpsNodePort : undefined },
        mesh: mesh ? { podAnnotations: mesh.podAnnotations, routeToServices: true } : undefined,
      },
      rateLimitRps: config.ingress.rateLimitRps,
      installGatewayApiCrds: mesh === undefined && config.gatewayApiCrds,
      gatewayApiCrds: mesh?.gatewayApiCrds,
      meshDependsOn: mesh?.dependsOn ?? [],
    },
    { provider },
  ).implementation;
}
