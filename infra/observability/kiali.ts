/**
 * Kiali (meshmart:kiali, the istio stack): the mesh's console, from the
 * pinned `kiali-server` chart (2.29.0, kiali/helm-charts; the server chart
 * rather than the operator: one Deployment and its RBAC, no operator and
 * Kiali CR to keep alive, and Helm's uninstall removes it all). Decisions:
 *
 * - Its own namespace `kiali`, enforcing `restricted` (the chart's default
 *   container securityContext meets it); no inbound connection (the chart's
 *   own NetworkPolicy, which opens its ports to every pod, is off): reach
 *   the UI with kubectl port-forward, and log in with a service account
 *   token (`auth.strategy: token`, the chart's default off OpenShift).
 * - Read-only (`view_only_mode`): the chart then binds Kiali's viewer role,
 *   so Kiali cannot change Istio's configuration or the shop's objects.
 * - Its sources, each authorized like any other client: the stack's
 *   Prometheus (the monitoring namespace admits it, as it does Grafana),
 *   Jaeger's query port over HTTP when tracing is on (the tracing
 *   namespace admits Kiali's pods there: collector-ingress.ts), istiod's
 *   monitoring port 15014 (istio-system has no NetworkPolicy of the
 *   program's); Istio's root namespace is istio-system, not Kiali's own
 *   (the chart's default). Grafana links are off (Kiali would poll it).
 */
import { ISTIO_NAMESPACE } from "../mesh/istio/istio-values";
import { MESH_CHARTS } from "../mesh/mesh-charts";
import { POD_SECURITY } from "../pod-security";
import type { ExternalPeer } from "../policy/authz-network-policy-spec";
import { prometheusUrl } from "../platform/monitoring";
import type { ClosedNamespaceReleaseArgs } from "../platform/closed-namespace-release";
import type { Resources } from "../workload/spec";

export const KIALI_NAMESPACE = "kiali";
export const KIALI_RELEASE = "kiali";
/** The chart's selector labels for `deployment.instance_name` kiali (templates/_helpers.tpl). */
export const KIALI_POD_LABELS = { "app.kubernetes.io/name": "kiali", "app.kubernetes.io/instance": "kiali" };
/** Kiali's pods as a client of other namespaces' NetworkPolicies. */
export const KIALI_PEER: ExternalPeer = { namespace: KIALI_NAMESPACE, podLabels: KIALI_POD_LABELS };

export const KIALI_RESOURCES: Resources = {
  requests: { cpu: "10m", memory: "64Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

export interface KialiArgs {
  readonly monitoringNamespace: string;
  /** Jaeger's query URL (HTTP) when tracing is on; absent: Kiali shows no traces. */
  readonly tracingQueryUrl?: string;
}

export function kialiValues(args: KialiArgs): Record<string, unknown> {
  return {
    auth: { strategy: "token" },
    deployment: { view_only_mode: true, network_policy: { enabled: false }, resources: KIALI_RESOURCES },
    external_services: {
      prometheus: { url: prometheusUrl(args.monitoringNamespace) },
      tracing: args.tracingQueryUrl ? { enabled: true, provider: "jaeger", internal_url: args.tracingQueryUrl, use_grpc: false } : { enabled: false },
      grafana: { enabled: false },
      istio: { root_namespace: ISTIO_NAMESPACE },
    },
  };
}

/** Kiali's namespace and release (closed-namespace-release.ts). */
export function kialiRelease(args: KialiArgs): ClosedNamespaceReleaseArgs {
  return { namespace: KIALI_NAMESPACE, namespaceLabels: POD_SECURITY.kiali, release: KIALI_RELEASE, chart: MESH_CHARTS.kiali, values: kialiValues(args) };
}
