/**
 * Flagger (meshmart:canary flagger): the controller's Helm values and the
 * names and labels it works with (pure). Flagger 1.44.0, chart `flagger`
 * 1.44.0 (infra/mesh/mesh-charts.ts). Decisions:
 *
 * - Its own namespace (`flagger-system`, as Flagger's Linkerd guide installs
 *   it), enforcing `restricted`: the chart sets only the container's
 *   securityContext (values `securityContext.context`), so every field the
 *   standard asks for is set there. Nothing needs to reach it (its metrics
 *   port is not scraped): its namespace admits no inbound connection.
 * - It watches the shop's namespace only (`namespace`), asks the stack's
 *   Prometheus (`metricsServer`, kube-prometheus-stack's Service), and
 *   routes with the stack's mesh (`meshProvider`: `istio`, or `gatewayapi:v1`
 *   for Linkerd, whose HTTPRoutes Linkerd reads, as the stack's own routes;
 *   Flagger's `linkerd` provider writes SMI TrafficSplits, which need the
 *   linkerd-smi extension: Flagger's Linkerd guide).
 * - The chart installs the CRDs (Canary, MetricTemplate, AlertProvider) as
 *   templates of the release (`crd.create`), with Helm's own crds/ copy
 *   skipped (the Release's skipCrds), so they are upgraded with the chart
 *   and removed with it on `pulumi destroy`, after the Canary (which
 *   depends on the release) is gone.
 * - Flagger rewrites one selector label of the target: `app.kubernetes.io/name`
 *   (`selectorLabels`), never `app`, so the primary pods Flagger copies keep
 *   `app: payment` and every policy of the authorization graph (which
 *   selects pods by `app`) covers them unchanged; see canary-spec.ts.
 */
import { prometheusUrl } from "../../platform/monitoring";
import type { Resources } from "../../workload/spec";

export const FLAGGER_NAMESPACE = "flagger-system";
export const FLAGGER_RELEASE = "flagger";
/** The label Flagger rewrites on the copies it makes (`<value>-primary`): the target's selector must hold it. */
export const FLAGGER_SELECTOR_LABEL = "app.kubernetes.io/name";
/** The controller's mesh providers (Flagger's -mesh-provider values) the stacks use. */
export type FlaggerProvider = "istio" | "gatewayapi:v1";

export const FLAGGER_RESOURCES: Resources = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** The container's securityContext: what Pod Security `restricted` asks of a pod whose pod-level context the chart does not set. */
export const FLAGGER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 10001,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

export interface FlaggerValuesArgs {
  readonly meshProvider: FlaggerProvider;
  /** The shop's namespace: the only one Flagger watches. */
  readonly watchNamespace: string;
  readonly monitoringNamespace: string;
}

export function flaggerValues(args: FlaggerValuesArgs): Record<string, unknown> {
  return {
    meshProvider: args.meshProvider,
    metricsServer: prometheusUrl(args.monitoringNamespace),
    namespace: args.watchNamespace,
    selectorLabels: FLAGGER_SELECTOR_LABEL,
    crd: { create: true },
    securityContext: { enabled: true, context: FLAGGER_SECURITY_CONTEXT },
    resources: FLAGGER_RESOURCES,
  };
}
