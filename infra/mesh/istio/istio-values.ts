/**
 * Istio's Helm values and the pod settings that put the platform's pods in
 * the mesh (pure). Decisions, security first:
 *
 * - Sidecars sized for a laptop cluster; the same numbers are added to the
 *   namespace's quota (MeshSetup.podOverhead). istio-init uses them too.
 * - Kubelet probes under STRICT mTLS: the injector rewrites HTTP probes to the
 *   sidecar's agent (port 15020), on by default and set explicitly here and on
 *   every pod.
 * - Egress: REGISTRY_ONLY, so a sidecar only forwards to hosts the mesh knows
 *   (the shop's Services, the API server), not to the internet.
 * - Prometheus (not in the mesh's namespace) scrapes over mTLS with an Istio
 *   workload certificate: its pod gets a sidecar whose only job is to write
 *   the certificate to a shared volume (no traffic is intercepted), and the
 *   ServiceMonitors scrape with it. So the app ports stay STRICT and the
 *   scrape is authorized by Prometheus's principal, GET /metrics only.
 *   Metrics merging (plaintext on 15020) is off: it would expose the apps'
 *   metrics to anyone, unauthenticated.
 * - ingress-nginx gets a sidecar for outbound traffic only (inbound ports are
 *   not captured: clients outside the mesh still reach it), so it calls the
 *   gateway over mTLS as its own principal; it targets the gateway Service
 *   (service-upstream) with the Service's host, so the mesh routes the call.
 */
import type { Resources } from "../../workload/spec";
import { serviceHost } from "../mesh-identities";
import { tracingExtensionProviders, type IstioTracing } from "./tracing-spec";

export const ISTIO_NAMESPACE = "istio-system";
/** Istio's default trust domain: principals are cluster.local/ns/<ns>/sa/<sa>. */
export const TRUST_DOMAIN = "cluster.local";

/** Requests and limits of each sidecar (and istio-init). */
export const SIDECAR_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "1", memory: "256Mi" },
};

export function istioBaseValues(): Record<string, unknown> {
  return { defaultRevision: "default" };
}

/**
 * With the Gateway API edge (istiod 1.30.3): the provisioned gateway pods
 * get the RuntimeDefault seccomp profile (`gateways.seccompProfile`, empty
 * by default), and a route that names no retries is not retried
 * (`meshConfig.defaultHttpRetryPolicy` with no attempts: retry.ConvertPolicy
 * returns none). The Gateway's HTTPRoutes are such routes: standard-channel
 * HTTPRoutes have no retry field, and the edge never retries (POSTs
 * included), as ingress-nginx's `proxy-next-upstream: off`. Every route of the
 * shop's VirtualServices names its retries, so the shop's calls are retried as
 * before; a call no VirtualService routes (the sidecars' span export to the
 * collector) loses Istio's default connect-failure retries.
 */
export const GATEWAY_EDGE_SECCOMP = { type: "RuntimeDefault" } as const;
export const NO_DEFAULT_RETRIES = { attempts: 0 } as const;

/** istiod's values; with tracing, the mesh config names the collector as an OpenTelemetry provider. */
export function istiodValues(tracing?: IstioTracing, gatewayEdge = false): Record<string, unknown> {
  return {
    autoscaleEnabled: false,
    replicaCount: 1,
    resources: { requests: { cpu: "100m", memory: "256Mi" } },
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: true },
    // The CNI plugin (chart `cni`) redirects traffic: no istio-init with NET_ADMIN in any pod.
    cni: { enabled: true },
    meshConfig: {
      enablePrometheusMerge: false,
      outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
      defaultConfig: { holdApplicationUntilProxyStarts: true },
      ...(tracing ? { extensionProviders: tracingExtensionProviders(tracing) } : {}),
      ...(gatewayEdge ? { defaultHttpRetryPolicy: NO_DEFAULT_RETRIES } : {}),
    },
    ...(gatewayEdge ? { gateways: { seccompProfile: GATEWAY_EDGE_SECCOMP } } : {}),
    global: {
      proxy: { resources: SIDECAR_RESOURCES },
      logAsJson: true,
    },
  };
}

/** Label of the shop's namespace: inject a sidecar into every pod. */
export const INJECTION_LABELS = { "istio-injection": "enabled" };

/** Annotation of every shop pod: kubelet probes go through the agent (required under STRICT). */
export const WORKLOAD_POD_ANNOTATIONS = { "sidecar.istio.io/rewriteAppHTTPProbers": "true" };

/**
 * A shop pod that calls the edge (the load generator). The controller's
 * sidecar does not capture inbound traffic, yet its pods carry the injector's
 * `security.istio.io/tlsMode: istio` label, which is all a client's sidecar
 * goes by to originate mTLS (pilot/pkg/model/service.go
 * GetTLSModeFromEndpointLabels): nginx would be handed a TLS handshake. So
 * the edge pods' port this pod calls (HTTP, or HTTPS when the edge serves
 * it: edge-peer.ts edgeClientPort) bypasses this pod's sidecar outbound, and
 * the call reaches the edge as a shopper's does.
 */
export function edgeClientPodAnnotations(edgePort: number): Record<string, string> {
  return { "traffic.sidecar.istio.io/excludeOutboundPorts": String(edgePort) };
}

/** ingress-nginx's controller pods: a sidecar that captures outbound only. */
export const INGRESS_POD_LABELS = { "sidecar.istio.io/inject": "true" };
export const INGRESS_POD_ANNOTATIONS = { "traffic.sidecar.istio.io/includeInboundPorts": "" };

/** The Ingress's annotations: proxy to the Service (not pod IPs) with its mesh host. */
export function ingressAnnotations(gatewayService: string, namespace: string): Record<string, string> {
  return {
    "nginx.ingress.kubernetes.io/service-upstream": "true",
    "nginx.ingress.kubernetes.io/upstream-vhost": serviceHost(gatewayService, namespace),
  };
}

/** Where the sidecar writes Prometheus's certificate, and where Prometheus reads it. */
const CERT_VOLUME = "istio-certs";
const SIDECAR_CERT_DIR = "/etc/istio-output-certs";
export const PROMETHEUS_CERT_DIR = "/etc/prom-certs";

/** The Prometheus pod's metadata and volumes: a certificate-only sidecar. */
export function prometheusPod(): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  volumes: Record<string, unknown>[];
  volumeMounts: Record<string, unknown>[];
} {
  return {
    labels: { "sidecar.istio.io/inject": "true" },
    annotations: {
      "traffic.sidecar.istio.io/includeInboundPorts": "",
      "traffic.sidecar.istio.io/includeOutboundIPRanges": "",
      // The sidecar writes the certificate there. Not DISABLE_ENVOY (Istio's addon
      // values set it): istio-cni skips a pod whose proxy runs no Envoy, so its
      // istio-validation init container would fail, and readiness (15021) is Envoy's.
      "proxy.istio.io/config": JSON.stringify({ proxyMetadata: { OUTPUT_CERTS: SIDECAR_CERT_DIR } }),
      "sidecar.istio.io/userVolumeMount": JSON.stringify([{ name: CERT_VOLUME, mountPath: SIDECAR_CERT_DIR }]),
    },
    volumes: [{ name: CERT_VOLUME, emptyDir: { medium: "Memory" } }],
    volumeMounts: [{ name: CERT_VOLUME, mountPath: PROMETHEUS_CERT_DIR, readOnly: true }],
  };
}

/** How a ServiceMonitor scrapes through STRICT mTLS with that certificate. */
export function scrapeTls(): Record<string, unknown> {
  return {
    scheme: "https",
    tlsConfig: {
      caFile: `${PROMETHEUS_CERT_DIR}/root-cert.pem`,
      certFile: `${PROMETHEUS_CERT_DIR}/cert-chain.pem`,
      keyFile: `${PROMETHEUS_CERT_DIR}/key.pem`,
      // Workload certificates carry a SPIFFE URI, not the pod's host name.
      insecureSkipVerify: true,
    },
  };
}

/** Scrapes every sidecar's Envoy statistics (istio_requests_total: Kiali, the canary split). */
export function envoyPodMonitorSpec(namespace: string): Record<string, unknown> {
  return {
    selector: { matchExpressions: [{ key: "security.istio.io/tlsMode", operator: "Exists" }] },
    namespaceSelector: { matchNames: [namespace] },
    podMetricsEndpoints: [{ port: "http-envoy-prom", path: "/stats/prometheus", interval: "15s" }],
  };
}

/** Ports a sidecar calls istiod on (xDS and certificates, over TLS). */
export const CONTROL_PLANE_PORTS = [15012];
/** Ports a sidecar serves for others: Envoy's statistics (the PodMonitor). */
export const PROXY_PORTS = [15090];
