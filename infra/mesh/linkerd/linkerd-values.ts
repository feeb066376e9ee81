/**
 * Linkerd's Helm values and the pod settings that put the platform's pods in
 * the mesh (pure). Decisions, security first:
 *
 * - Identity: the trust anchor and issuer come from the program (identity.ts)
 *   and reach the chart as values; the issuer key stays a Pulumi secret.
 * - The shop's namespace defaults to `deny`: a port no Server selects admits
 *   nobody; each Server (linkerd-policy-spec.ts) admits its callers' identities only.
 *   Kubelet probes keep working through an explicit probe route per Server
 *   (linkerd-policy-spec.ts): Linkerd's default probe authorization applies only to
 *   a Server without routes.
 * - Prometheus is meshed (linkerd.io/inject on its pod), so its scrapes are
 *   mTLS from its own service account, which each service's /metrics
 *   route authorizes by name. A
 *   NetworkAuthentication would have to name the pod CIDR (cluster-specific)
 *   and would admit any pod there, unauthenticated.
 * - ingress-nginx is meshed the same way and proxies to the gateway Service
 *   (service-upstream), so the mesh routes the call and the gateway's Server
 *   authorizes the controller's identity. Its admission webhook port skips
 *   the proxy: the API server calls it directly.
 * - The heartbeat (a daily call home with cluster metadata) is off.
 */
import type * as pulumi from "@pulumi/pulumi";
import { POD_SECURITY } from "../../pod-security";
import type { Resources } from "../../workload/spec";

export const LINKERD_NAMESPACE = "linkerd";
export const LINKERD_VIZ_NAMESPACE = "linkerd-viz";
export const TRUST_DOMAIN = "cluster.local";
/** linkerd-viz's Prometheus: it scrapes the proxies' admin port (linkerd viz stat/top). */
export const VIZ_PROMETHEUS_SERVICE_ACCOUNT = "prometheus";

/** Requests and limits of each proxy (the CPU limit matches the proxy's one worker thread). */
export const PROXY_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "32Mi" },
  limits: { cpu: "1", memory: "256Mi" },
};

/** Labels the CLI puts on the control plane's namespace (Helm leaves namespaces to the installer). */
export const CONTROL_PLANE_NAMESPACE_LABELS = {
  "linkerd.io/is-control-plane": "true",
  "config.linkerd.io/admission-webhooks": "disabled",
  "linkerd.io/control-plane-ns": LINKERD_NAMESPACE,
  // With the CNI plugin no pod has linkerd-init (NET_ADMIN/NET_RAW).
  ...POD_SECURITY.meshControlPlane,
};
export const CONTROL_PLANE_NAMESPACE_ANNOTATIONS = { "linkerd.io/inject": "disabled" };
export const VIZ_NAMESPACE_LABELS = { "linkerd.io/extension": "viz", ...POD_SECURITY.meshControlPlane };
/** linkerd2-cni's namespace, labelled as the CLI's install labels it (the chart creates it only for the CLI). */
export const LINKERD_CNI_NAMESPACE = "linkerd-cni";
export const CNI_NAMESPACE_LABELS = {
  "linkerd.io/cni-resource": "true",
  "config.linkerd.io/admission-webhooks": "disabled",
  "pod-security.kubernetes.io/enforce": "privileged",
};

export function linkerdCrdsValues(): Record<string, unknown> {
  // The Gateway API CRDs are installed by the program (see ../charts.ts).
  return { installGatewayAPI: false };
}

export interface IdentityValues {
  readonly trustAnchorPem: pulumi.Input<string>;
  readonly issuerCertPem: pulumi.Input<string>;
  /** A Pulumi secret: passed through as one, so only it is hidden in the release's values. */
  readonly issuerKeyPem: pulumi.Input<string>;
}

/**
 * Where the proxies send their spans: a collector in the mesh (the proxy
 * speaks OTLP/gRPC to it over mTLS, checking its identity, so the collector
 * must be meshed), by its host:port and its service account. linkerd/linkerd2
 * edge-26.8.3 charts/linkerd-control-plane/values.yaml `proxy.tracing`
 * (`enabled`, `collector.endpoint`, `collector.meshIdentity.serviceAccountName`,
 * `.namespace`); charts/partials/templates/_proxy.tpl fails the install when
 * one is empty. (The linkerd-jaeger extension was removed in edge-25.10.1.)
 */
export interface LinkerdTracing {
  readonly endpoint: string;
  readonly serviceAccount: string;
  readonly namespace: string;
}

function proxyTracing(tracing: LinkerdTracing | undefined): Record<string, unknown> {
  if (!tracing) return {};
  return {
    tracing: {
      enabled: true,
      collector: { endpoint: tracing.endpoint, meshIdentity: { serviceAccountName: tracing.serviceAccount, namespace: tracing.namespace } },
    },
  };
}

/** Annotation of the collector's namespace in this stack: meshed, so the proxies can reach it by its identity. */
export const COLLECTOR_NAMESPACE_ANNOTATIONS = { "linkerd.io/inject": "enabled" };

export function linkerdControlPlaneValues(identity: IdentityValues, tracing?: LinkerdTracing): Record<string, unknown> {
  return {
    identityTrustDomain: TRUST_DOMAIN,
    identityTrustAnchorsPEM: identity.trustAnchorPem,
    identity: { issuer: { scheme: "linkerd.io/tls", tls: { crtPEM: identity.issuerCertPem, keyPEM: identity.issuerKeyPem } } },
    proxy: {
      resources: {
        cpu: { request: PROXY_RESOURCES.requests.cpu, limit: PROXY_RESOURCES.limits.cpu },
        memory: { request: PROXY_RESOURCES.requests.memory, limit: PROXY_RESOURCES.limits.memory },
      },
      ...proxyTracing(tracing),
    },
    disableHeartBeat: true,
    // The injector and the validators fail closed: a pod created while the
    // injector is down would run without a proxy, outside default deny.
    webhookFailurePolicy: "Fail",
    // linkerd2-cni (installed before) redirects traffic: no linkerd-init with NET_ADMIN in any pod.
    cniEnabled: true,
  };
}

export function linkerdVizValues(): Record<string, unknown> {
  return { linkerdNamespace: LINKERD_NAMESPACE };
}

/** Annotations of the shop's namespace: inject every pod, deny what no policy allows. */
export const NAMESPACE_ANNOTATIONS = {
  "linkerd.io/inject": "enabled",
  "config.linkerd.io/default-inbound-policy": "deny",
};

/** ingress-nginx's controller pods: meshed; the admission webhook (8443) bypasses the proxy. */
export const INGRESS_POD_ANNOTATIONS = {
  "linkerd.io/inject": "enabled",
  // 80/443 too: clients reach nginx directly, so it sees their addresses
  // (per-client limits), not the proxy's 127.0.0.1. Its calls out stay meshed.
  "config.linkerd.io/skip-inbound-ports": "80,443,8443",
};
/**
 * A Gateway's proxy pods (the Gateway API edge, Envoy Gateway): meshed like
 * ingress-nginx's, so they call the gateway as their own identity; their
 * listener ports skip the proxy (clients reach Envoy directly and keep their
 * addresses).
 */
export function edgeGatewayPodAnnotations(listenerPorts: readonly number[]): Record<string, string> {
  return { "linkerd.io/inject": "enabled", "config.linkerd.io/skip-inbound-ports": listenerPorts.join(",") };
}
/** The Ingress proxies to the Service's cluster IP, so Linkerd routes (and retries) the call. */
export const INGRESS_ANNOTATIONS = { "nginx.ingress.kubernetes.io/service-upstream": "true" };

/** Prometheus's pod: meshed, so it scrapes over mTLS as its own identity. */
export const PROMETHEUS_POD_ANNOTATIONS = { "linkerd.io/inject": "enabled" };

/** Ports a proxy calls the control plane on: identity, destination, policy. */
export const CONTROL_PLANE_PORTS = [8080, 8086, 8090];
/** The proxy's inbound port: meshed connections from other proxies arrive there. */
export const PROXY_INBOUND_PORT = 4143;
/** Ports a proxy serves for others: inbound (meshed peers), tap, admin (metrics). */
export const PROXY_PORTS = [PROXY_INBOUND_PORT, 4190, 4191];
/** linkerd-viz's Prometheus (scrapes the proxies) and tap (taps them). */
export const VIZ_PEERS = [
  { namespace: LINKERD_VIZ_NAMESPACE, podLabels: { "linkerd.io/extension": "viz", component: "prometheus" } },
  { namespace: LINKERD_VIZ_NAMESPACE, podLabels: { "linkerd.io/extension": "viz", component: "tap" } },
];
