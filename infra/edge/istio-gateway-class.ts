/**
 * What istiod (1.30.3) provisions for a Gateway of its own GatewayClass
 * (docs/upstream.md, "The Gateway API edge"):
 *
 * - istiod creates the GatewayClass `istio` itself
 *   (PILOT_GATEWAY_API_DEFAULT_GATEWAYCLASS_NAME, controller
 *   istio.io/gateway-controller; pilot/pkg/features/pilot.go).
 * - For a Gateway `<name>` it applies the `kube-gateway` template: a
 *   ServiceAccount, Deployment and Service all named `<name>-istio`
 *   (gatewaycommon.GetDefaultName: `<name>-<class>`), pods labelled
 *   `gateway.networking.k8s.io/gateway-name: <name>` (the Service's selector).
 * - The Service is a LoadBalancer unless the Gateway's annotation
 *   `networking.istio.io/service-type` says otherwise; its ports are the
 *   listeners' ports with no targetPort, so the pods listen on 80 and 443
 *   themselves (the template's sysctl net.ipv4.ip_unprivileged_port_start=0).
 * - `spec.infrastructure.parametersRef` may name a ConfigMap in the Gateway's
 *   namespace whose `service` key is a strategic-merge patch of that Service
 *   (deploymentcontroller.go applyOverlay): how fixed node ports are set.
 */
import type { EdgePeer } from "./edge-peer";

/** The GatewayClass istiod creates and serves. */
export const ISTIO_GATEWAY_CLASS = "istio";
/** The Gateway annotation that sets the provisioned Service's type. */
export const ISTIO_SERVICE_TYPE_ANNOTATION = "networking.istio.io/service-type";
/** The label istiod puts on the Gateway's pods (and selects them by). */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/** The name istiod gives the Gateway's Deployment, Service and ServiceAccount. */
export function istioGatewayWorkloadName(gateway: string): string {
  return `${gateway}-${ISTIO_GATEWAY_CLASS}`;
}

/** The edge's pods as istiod provisions them for `gateway` in `namespace`: they serve each listener on its own port (HTTP 80, HTTPS 443). */
export function istioGatewayEdge(gateway: string, namespace: string): EdgePeer {
  const workload = istioGatewayWorkloadName(gateway);
  return { namespace, podLabels: { [GATEWAY_NAME_LABEL]: gateway }, serviceAccount: workload, podHttpPort: 80, podHttpsPort: 443, service: workload };
}

export type GatewayServiceType = "NodePort" | "LoadBalancer" | "ClusterIP";

/**
 * How the provisioned Service is shaped: its type by annotation, and fixed
 * node ports (NodePort) by a `service` overlay in the parameters ConfigMap.
 * The overlay's ports merge with the template's by `port` (strategic merge
 * of a core/v1 Service); their names are the listeners'.
 */
export function istioGatewayService(type: GatewayServiceType, nodePorts: { http: number; https?: number }): {
  annotations: Record<string, string>;
  parameters?: Record<string, string>;
} {
  const annotations = { [ISTIO_SERVICE_TYPE_ANNOTATION]: type };
  if (type !== "NodePort") return { annotations };
  const ports = [{ name: "http", port: 80, nodePort: nodePorts.http }, ...(nodePorts.https ? [{ name: "https", port: 443, nodePort: nodePorts.https }] : [])];
  return { annotations, parameters: { service: JSON.stringify({ spec: { ports } }) } };
}
