/**
 * Envoy Gateway v1.9.0 as the Gateway API edge of dev and linkerd (pure;
 * docs/edge.md says why this implementation, docs/upstream.md where each
 * value was read):
 *
 * - CRDs: the `gateway-helm` chart would install the Gateway API CRDs
 *   (v1.6.1, experimental channel) and its own from its `crds/` directory,
 *   which Helm never upgrades or deletes. The program's pinned standard
 *   manifest owns the Gateway API CRDs (one owner, kept on destroy, as in
 *   the linkerd stack), so `crds.enabled: false`; Envoy Gateway's own CRDs
 *   come from `gateway-crds-helm` with only `crds.envoyGateway.enabled`,
 *   rendered and applied server-side as the program's own objects (removed on
 *   destroy): upstream installs that chart with `helm template | kubectl
 *   apply --server-side`, not as a Helm release, for its large CRDs.
 * - No topology injector: its MutatingWebhookConfiguration and the certgen
 *   ClusterRole(Binding) are Helm hooks that `helm uninstall` leaves behind
 *   (cluster-wide); the injector only adds zone labels to proxy pods. The
 *   remaining hook objects (certgen's Job, Role, Secrets) are namespaced, and
 *   the namespace is the program's: destroy removes them with it.
 * - The data plane (one Deployment and Service per Gateway, in the
 *   controller's namespace) is shaped by an EnvoyProxy the GatewayClass
 *   names: fixed Deployment, Service and ServiceAccount names (so the
 *   ServiceAccount is a mesh identity the policies can name), the Service's
 *   type and node ports, and in linkerd a meshed pod whose listener ports
 *   skip its proxy (clients keep their addresses; the load generator's
 *   proxy then calls it in plain HTTP) and that routes to Services (Linkerd
 *   balances and authorizes by Service).
 * - Listener ports below 1024 become container ports + 10000 (80 → 10080).
 * - The per-client limit is a local rate limit per distinct source address
 *   (BackendTrafficPolicy on the Gateway), IPv4 and IPv6.
 */
import type { EdgePeer } from "./edge-peer";

export const ENVOY_GATEWAY_NAMESPACE = "envoy-gateway-system";
/** The chart's default controllerName (values `config.envoyGateway.gateway.controllerName`; api GatewayControllerName). */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";
/** The program's GatewayClass for Envoy Gateway. */
export const ENVOY_GATEWAY_CLASS = "envoy-gateway";
export const ENVOY_GATEWAY_API = "gateway.envoyproxy.io/v1alpha1";
/** Listener ports below 1024 are served on port + 10000 (internal/gatewayapi/translator.go wellKnownPortShift). */
export const ENVOY_PORT_SHIFT = 10000;
/** Envoy Gateway's labels on every proxy pod (internal/infrastructure/kubernetes/proxy/resource.go EnvoyAppLabel). */
const ENVOY_APP_LABELS = { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" };

export function envoyGatewayValues(): Record<string, unknown> {
  return { crds: { enabled: false }, topologyInjector: { enabled: false } };
}

export function envoyGatewayCrdsValues(): Record<string, unknown> {
  return { crds: { gatewayAPI: { enabled: false }, envoyGateway: { enabled: true } } };
}

/** The data plane's pods for the Gateway `gateway` in `namespace`, named `workload` by the EnvoyProxy. */
export function envoyGatewayEdge(gateway: string, namespace: string, workload: string): EdgePeer {
  return {
    namespace: ENVOY_GATEWAY_NAMESPACE,
    podLabels: { ...ENVOY_APP_LABELS, "gateway.envoyproxy.io/owning-gateway-name": gateway, "gateway.envoyproxy.io/owning-gateway-namespace": namespace },
    serviceAccount: workload,
    podHttpPort: 80 + ENVOY_PORT_SHIFT,
    podHttpsPort: 443 + ENVOY_PORT_SHIFT,
    service: workload,
  };
}

export type EnvoyServiceType = "NodePort" | "LoadBalancer" | "ClusterIP";

export interface EnvoyProxyArgs {
  /** The Deployment's, Service's and ServiceAccount's name. */
  readonly workload: string;
  readonly serviceType: EnvoyServiceType;
  /** NodePort only: HTTP's, and HTTPS's when the Gateway listens for it. */
  readonly nodePorts: { readonly http: number; readonly https?: number };
  /** How a mesh joins the proxy pods (annotations), and whether they route to Services; absent: no mesh. */
  readonly mesh?: { readonly podAnnotations: Record<string, string>; readonly routeToServices: boolean };
}

/** The EnvoyProxy spec the GatewayClass names. */
export function envoyProxySpec(a: EnvoyProxyArgs): Record<string, unknown> {
  const nodePorts = [{ port: 80, nodePort: a.nodePorts.http }, ...(a.nodePorts.https ? [{ port: 443, nodePort: a.nodePorts.https }] : [])];
  return {
    provider: {
      type: "Kubernetes",
      kubernetes: {
        envoyDeployment: { name: a.workload, ...(a.mesh ? { pod: { annotations: a.mesh.podAnnotations } } : {}) },
        envoyService: {
          name: a.workload,
          type: a.serviceType,
          // Keep client addresses: the per-client limit keys on them (Envoy Gateway's default, said aloud).
          ...(a.serviceType === "ClusterIP" ? {} : { externalTrafficPolicy: "Local" }),
          ...(a.serviceType === "NodePort" ? { patch: { type: "StrategicMerge", value: { spec: { ports: nodePorts } } } } : {}),
        },
        envoyServiceAccount: { name: a.workload },
      },
    },
    ...(a.mesh?.routeToServices ? { routingType: "Service" } : {}),
  };
}

/** The listener ports a meshed proxy pod serves clients on directly (they skip the mesh's proxy). */
export function envoyListenerPorts(tls: boolean): number[] {
  return [80, ...(tls ? [443] : [])].map((p) => p + ENVOY_PORT_SHIFT);
}

/** Requests a second per client address, on every route of the Gateway (a 429 beyond). */
export function rateLimitPolicySpec(gateway: string, rps: number): Record<string, unknown> {
  const perClient = (value: string) => ({ clientSelectors: [{ sourceCIDR: { type: "Distinct", value } }], limit: { requests: rps, unit: "Second" } });
  return {
    targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway }],
    rateLimit: { type: "Local", local: { rules: [perClient("0.0.0.0/0"), perClient("::/0")] } },
  };
}
