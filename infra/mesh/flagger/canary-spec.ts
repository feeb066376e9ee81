/**
 * payment's Canary (flagger.app/v1beta1) and, for Linkerd, its analysis
 * queries as MetricTemplates (pure). What Flagger 1.44.0 does with it
 * (fluxcd/flagger v1.44.0, pkg/canary/deployment_controller.go,
 * pkg/router/kubernetes_default.go, istio.go, gateway_api.go):
 *
 * - the target is the program's one `payment` Deployment; Flagger copies it
 *   into `payment-primary` (the pod template with `app.kubernetes.io/name:
 *   payment-primary`, FLAGGER_SELECTOR_LABEL) which serves all traffic, and
 *   scales the target to zero between rollouts; the program's HPA `payment`
 *   (autoscalerRef) is copied for the primary too;
 * - Flagger owns payment's Services (`payment`, `payment-primary`,
 *   `payment-canary`, each selecting by that label) and its routing: Istio's
 *   VirtualService `payment` with DestinationRules `payment-primary` and
 *   `payment-canary`, or the Gateway API HTTPRoute `payment` attached to the
 *   Service (what Linkerd reads). So the program declares none of them;
 * - a new pod template of the target (a new image) starts a rollout: every
 *   interval the analysis must pass, then the canary's weight steps up by
 *   STEP_WEIGHT to MAX_WEIGHT, then Flagger promotes (copies the template to
 *   the primary); THRESHOLD failed checks roll back (weight 0, target scaled
 *   to zero).
 *
 * The analysis: success rate (non-5xx) at least 99% and P99 latency at most
 * 500 ms over the last minute, of the canary's own inbound requests: Istio's
 * builtin checks (istio_requests_total / istio_request_duration_milliseconds
 * as the destination's sidecar reports them), or for Linkerd the queries of
 * Flagger's Linkerd guide over the proxies' response_total /
 * response_latency_ms (the platform's Prometheus keeps both, with the
 * `deployment` label: proxy-monitor.ts). Traffic comes from the load
 * generator (its checkouts charge payment through cart), which the config
 * requires with Flagger: no load-test webhook, nobody but cart calls payment.
 */
import type { ServiceName } from "../../../services/topology";
import type { NamedSpec } from "../istio/istio-policy-spec";

export const CANARY_API = "flagger.app/v1beta1";
/** How often the analysis runs, and how many failed checks roll back. */
export const ANALYSIS_INTERVAL = "1m";
export const THRESHOLD = 5;
/** The canary's weight grows by STEP_WEIGHT per passed interval, up to MAX_WEIGHT, then Flagger promotes. */
export const STEP_WEIGHT = 10;
export const MAX_WEIGHT = 50;
/** Percent of the canary's requests answered without a 5xx, at least. */
export const MIN_SUCCESS_RATE = 99;
/** The canary's P99 latency, at most (milliseconds). */
export const MAX_P99_MS = 500;

/** Flagger's builtin checks (pkg/metrics/observers/istio.go `istioQueries`). */
export const BUILTIN_METRICS = { successRate: "request-success-rate", duration: "request-duration" } as const;

/** The service port fields every mesh shares: the shop's port, by the container's named port. */
export function canaryPort(port: number): Record<string, unknown> {
  return { port, targetPort: "http", portName: "http", appProtocol: "http" };
}

/**
 * Labels of the Services Flagger makes: `app` on the apex (selecting the
 * primary's pods) and on the canary's, so the app's ServiceMonitor (label
 * `app`, no `version`) scrapes both tracks, each pod once.
 */
export function serviceLabels(app: ServiceName): Record<string, unknown> {
  return { apex: { labels: { app } }, canary: { labels: { app } } };
}

export interface CanaryArgs {
  readonly app: ServiceName;
  /** The mesh's spec.service (port fields, routing settings, Service metadata). */
  readonly service: Record<string, unknown>;
  /** The analysis's metric checks. */
  readonly metrics: readonly Record<string, unknown>[];
}

export function canarySpec(args: CanaryArgs): Record<string, unknown> {
  return {
    targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.app },
    autoscalerRef: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: args.app },
    service: args.service,
    analysis: { interval: ANALYSIS_INTERVAL, threshold: THRESHOLD, maxWeight: MAX_WEIGHT, stepWeight: STEP_WEIGHT, metrics: [...args.metrics] },
  };
}

/** Istio: Flagger's builtin checks. */
export function istioMetrics(): Record<string, unknown>[] {
  return [
    { name: BUILTIN_METRICS.successRate, thresholdRange: { min: MIN_SUCCESS_RATE }, interval: ANALYSIS_INTERVAL },
    { name: BUILTIN_METRICS.duration, thresholdRange: { max: MAX_P99_MS }, interval: ANALYSIS_INTERVAL },
  ];
}

/** Linkerd: the proxies' inbound success rate and P99 latency of the canary's Deployment (`{{ target }}`). */
export function linkerdMetricTemplates(prometheusUrl: string): NamedSpec[] {
  const provider = { type: "prometheus", address: prometheusUrl };
  const selector = (extra = "") => `namespace="{{ namespace }}", deployment=~"{{ target }}", direction="inbound"${extra}`;
  return [
    {
      name: "success-rate",
      spec: {
        provider,
        query: `sum(rate(response_total{${selector(', classification!="failure"')}}[{{ interval }}])) / sum(rate(response_total{${selector()}}[{{ interval }}])) * 100`,
      },
    },
    {
      name: "latency",
      spec: { provider, query: `histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{${selector()}}[{{ interval }}])) by (le))` },
    },
  ];
}

/** Checks on the Linkerd templates (names other than the builtin ones, which Flagger would run instead). */
export function linkerdMetrics(namespace: string): Record<string, unknown>[] {
  const [successRate, latency] = linkerdMetricTemplates("").map((t) => t.name) as [string, string];
  return [
    { name: successRate, templateRef: { name: successRate, namespace }, thresholdRange: { min: MIN_SUCCESS_RATE }, interval: ANALYSIS_INTERVAL },
    { name: latency, templateRef: { name: latency, namespace }, thresholdRange: { max: MAX_P99_MS }, interval: ANALYSIS_INTERVAL },
  ];
}
