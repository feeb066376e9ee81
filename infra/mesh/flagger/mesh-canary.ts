/**
 * What each mesh puts in payment's Canary (pure): the routing settings the
 * program's own routes carry for every other service, written where Flagger
 * copies them onto the routes it owns.
 *
 * - istio: the route's timeout and `retries: {attempts: 0}` (Istio retries
 *   every request by default, POST /payments too; Flagger's VirtualService
 *   has one route, and payment's two routes carry the same numbers, as it
 *   calls others: traffic-spec.ts retries GETs toward leaves only), and the
 *   DestinationRule's traffic policy for `payment-primary` and
 *   `payment-canary`: ISTIO_MUTUAL, outlier detection, the HTTP connection
 *   pool. Not the TCP pool: Flagger 1.44.0's CRD declares
 *   `trafficPolicy.connectionPool.http` only (charts/flagger/crds/crd.yaml),
 *   so the API server would prune `tcp` silently.
 * - linkerd: the HTTPRoute Flagger attaches to the Service `payment`
 *   (gatewayRefs, kind Service, group core: Gateway API's mesh binding)
 *   carries the apex's annotations (pkg/router/gateway_api.go), so the
 *   route's timeout annotation goes there, with the Service's failure
 *   accrual (Linkerd reads it on the Service the client addresses: the apex).
 */
import type { ServiceName } from "../../../services/topology";
import { SERVICES } from "../../../services/topology";
import { destinationRuleSpec, duration } from "../istio/traffic-spec";
import { timeoutAnnotations } from "../linkerd/http-route-spec";
import type { MeshTimeouts } from "../route-numbers";
import { canaryPort, serviceLabels } from "./canary-spec";

export function istioCanaryService(app: ServiceName, namespace: string, timeouts: MeshTimeouts): Record<string, unknown> {
  const { tls, connectionPool, outlierDetection } = (destinationRuleSpec(app, namespace) as { trafficPolicy: Record<string, any> }).trafficPolicy;
  return {
    ...canaryPort(SERVICES[app].port),
    timeout: duration(timeouts[app].requestMs),
    retries: { attempts: 0 },
    trafficPolicy: { tls, connectionPool: { http: connectionPool.http }, outlierDetection },
    ...serviceLabels(app),
  };
}

export function linkerdCanaryService(app: ServiceName, namespace: string, timeouts: MeshTimeouts, serviceAnnotations: Record<string, string> = {}): Record<string, unknown> {
  const port = SERVICES[app].port;
  const labels = serviceLabels(app) as { apex: { labels: Record<string, string> }; canary: unknown };
  return {
    ...canaryPort(port),
    gatewayRefs: [{ group: "core", kind: "Service", name: app, namespace, port }],
    ...labels,
    apex: { ...labels.apex, annotations: { ...serviceAnnotations, ...timeoutAnnotations(timeouts[app]) } },
  };
}
