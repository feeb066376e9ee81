/**
 * Linkerd's circuit breaking (pure): consecutive-failure accrual, set by
 * annotations on a Service, the linkerd stack's counterpart of the istio
 * stack's outlier detection (infra/mesh/istio/traffic-spec.ts).
 *
 * How Linkerd edge-26.8.3 reads them (docs/upstream.md): the policy
 * controller parses the annotations of the Service a client addresses
 * (`balancer.linkerd.io/failure-accrual: consecutive` and its
 * `-consecutive-max-failures` integer, `-consecutive-min-penalty` /
 * `-max-penalty` durations such as `30s`) and hands them to every client
 * proxy with that Service's outbound policy. Each client proxy then keeps one
 * breaker per endpoint of every backend of that Service (payment's
 * HTTPRoute backends payment-v1 and payment-v2 included): after max-failures
 * failures in a row (a 5xx, or an error) it stops sending to the endpoint for
 * a penalty that starts at min-penalty and doubles, with jitter, up to
 * max-penalty while each single probe request after it fails.
 *
 * Linkerd counts every 5xx: unlike Istio it cannot tell a pod's own failure
 * from a 502-504 it relays from its upstream. So the tiers follow what a
 * service's answers carry:
 *
 * - A service that waits on nobody (users, catalog, notifications, and
 *   payment, which tells notifications in the background) answers only its
 *   own failures: Istio's leaf setting, 5 in a row, 30 s first.
 * - A service that waits on its upstreams (orders, cart) relays their
 *   failures, so a failing leaf trips its breakers in every caller as well:
 *   the same 5 (Istio's count of a middle tier's own failures), but a short
 *   penalty (1 s, at most 10 s), so that such a trip costs seconds after the
 *   leaf recovers, while a pod that keeps failing on its own stays out.
 *
 * Linkerd has no counterpart of Istio's maxEjectionPercent: when every
 * endpoint is out, requests fail fast (503) until a probe succeeds. The
 * own-failure tier's max-penalty (60 s, Linkerd's default) bounds how long a
 * service that failed entirely stays out after it recovers.
 */
import { WAITS } from "../../../services/budgets";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../../services/topology";
import type { Topology } from "../../authz/graph";

/** The annotation keys (policy-controller/k8s/index/src/outbound/index.rs `parse_accrual_config`). */
export const FAILURE_ACCRUAL_ANNOTATIONS = {
  mode: "balancer.linkerd.io/failure-accrual",
  maxFailures: "balancer.linkerd.io/failure-accrual-consecutive-max-failures",
  minPenalty: "balancer.linkerd.io/failure-accrual-consecutive-min-penalty",
  maxPenalty: "balancer.linkerd.io/failure-accrual-consecutive-max-penalty",
} as const;

export interface ConsecutiveAccrual {
  /** Failures in a row that take an endpoint out. */
  readonly maxFailures: number;
  /** The first penalty, in whole seconds (Linkerd refuses fractions). */
  readonly minPenaltySeconds: number;
  /** The longest penalty, in whole seconds. */
  readonly maxPenaltySeconds: number;
}

/** A service whose answers are its own failures only (it waits on nobody). */
export const OWN_FAILURES_ACCRUAL: ConsecutiveAccrual = { maxFailures: 5, minPenaltySeconds: 30, maxPenaltySeconds: 60 };

/** A service that relays its upstreams' failures: trips on them too, so it comes back quickly. */
export const RELAYING_ACCRUAL: ConsecutiveAccrual = { maxFailures: 5, minPenaltySeconds: 1, maxPenaltySeconds: 10 };

/** The services some service calls: the Services whose callers' proxies break circuits. */
export function callees(topology: Topology = SERVICES): ServiceName[] {
  const called = new Set(SERVICE_NAMES.flatMap((s) => topology[s].calls));
  return SERVICE_NAMES.filter((s) => called.has(s));
}

/** The setting of one service's tier (see above). */
export function accrualFor(service: ServiceName, waits: Readonly<Record<ServiceName, readonly (readonly ServiceName[])[]>> = WAITS): ConsecutiveAccrual {
  return waits[service].length > 0 ? RELAYING_ACCRUAL : OWN_FAILURES_ACCRUAL;
}

/** The annotations of a setting, as Linkerd parses them (a u32, whole-second durations). */
export function accrualAnnotations(setting: ConsecutiveAccrual): Record<string, string> {
  if (!Number.isInteger(setting.maxFailures) || setting.maxFailures < 1) throw new RangeError(`max failures is a positive integer; got ${setting.maxFailures}`);
  const { minPenaltySeconds: min, maxPenaltySeconds: max } = setting;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
    throw new RangeError(`penalties are whole seconds, 1 <= min <= max; got ${min}s..${max}s`);
  }
  return {
    [FAILURE_ACCRUAL_ANNOTATIONS.mode]: "consecutive",
    [FAILURE_ACCRUAL_ANNOTATIONS.maxFailures]: String(setting.maxFailures),
    [FAILURE_ACCRUAL_ANNOTATIONS.minPenalty]: `${min}s`,
    [FAILURE_ACCRUAL_ANNOTATIONS.maxPenalty]: `${max}s`,
  };
}

/** Per callee, the annotations of its Services (the app-wide one and each version's). */
export function failureAccrualServiceAnnotations(topology: Topology = SERVICES): Partial<Record<ServiceName, Record<string, string>>> {
  return Object.fromEntries(callees(topology).map((s) => [s, accrualAnnotations(accrualFor(s))]));
}
