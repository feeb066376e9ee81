/**
 * Service level objectives per user journey, measured where the shopper
 * meets the shop (the gateway's own metrics), as recording rules and
 * multiwindow, multi-burn-rate alerts (the SRE workbook's method: an alert
 * needs a long window, for significance, and a short one, so it stops soon
 * after the problem does).
 *
 * Windows and burn rates are chosen for this shop's demo, whose mesh stacks
 * inject faults on purpose (5% of payments time out: ~5% of checkouts answer
 * 504): those must stay quiet, while a real outage pages within minutes.
 * - page: burn > 10 over 15m and 5m — a checkout failure ratio of 10%
 *   (20% of checkouts failing pages within 10 minutes; 5% never does);
 * - ticket: burn > 6 over 6h and 30m — 6% of checkouts failing for hours.
 * A journey's error budget is 1 − its objective; a burn rate of 1 spends it
 * exactly over the SLO period (30 days).
 */
import { DURATION_BUCKETS } from "../../services/kit/buckets";
import { DURATION, REQUESTS } from "./queries";

export type JourneyName = "browse" | "add_to_cart" | "checkout";

export interface Journey {
  readonly name: JourneyName;
  /** What the shopper does, for alert texts. */
  readonly title: string;
  readonly method: "GET" | "POST";
  /** The gateway's route templates of the journey (its `route` label). */
  readonly routes: readonly string[];
  /** Share of requests that must not fail with 5xx. */
  readonly availability: number;
  /** Share of requests that must finish within `seconds` (a bucket of the request-duration histogram). */
  readonly latency: { readonly seconds: number; readonly objective: number };
}

export const JOURNEYS: readonly Journey[] = [
  {
    name: "browse",
    title: "browsing the catalog",
    method: "GET",
    routes: ["/api/products", "/api/products/:id"],
    availability: 0.995,
    latency: { seconds: 0.25, objective: 0.99 },
  },
  {
    name: "add_to_cart",
    title: "adding to the cart",
    method: "POST",
    routes: ["/api/cart/:userId/add"],
    availability: 0.995,
    latency: { seconds: 0.5, objective: 0.99 },
  },
  {
    name: "checkout",
    title: "checking out",
    method: "POST",
    routes: ["/api/cart/:userId/checkout"],
    availability: 0.99,
    latency: { seconds: 2.5, objective: 0.99 },
  },
];

/** The windows the rules record ratios over. */
export const WINDOWS = ["5m", "15m", "30m", "6h"] as const;
export type Window = (typeof WINDOWS)[number];

export interface BurnAlert {
  readonly severity: "page" | "ticket";
  readonly burnRate: number;
  readonly long: Window;
  readonly short: Window;
  /** How long both windows must agree before it fires. */
  readonly for: string;
}

export const BURN_ALERTS: readonly BurnAlert[] = [
  { severity: "page", burnRate: 10, long: "15m", short: "5m", for: "2m" },
  { severity: "ticket", burnRate: 6, long: "6h", short: "30m", for: "15m" },
];

const escape = (route: string) => route.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&");

function selector(namespace: string, j: Journey, extra = ""): string {
  const routes = j.routes.map(escape).join("|");
  return `namespace="${namespace}",service="gateway",method="${j.method}",route=~"${routes}"${extra}`;
}

/** Record names: journey:<sli>:ratio_rate<window>, labelled journey. */
export const errorRatioRecord = (w: Window) => `journey:http_errors:ratio_rate${w}`;
export const slowRatioRecord = (w: Window) => `journey:http_slow:ratio_rate${w}`;

/**
 * Recording rules: per journey and window, the share of requests that failed
 * (5xx) and that were slower than the latency threshold. A journey with
 * traffic and no failure reads 0, not "no data" (`or vector(0)`); a journey
 * without traffic has no ratio at all.
 */
export function sloRecordingRules(namespace: string, journeys: readonly Journey[] = JOURNEYS): Record<string, unknown>[] {
  return journeys.flatMap((j) => {
    if (!DURATION_BUCKETS.includes(j.latency.seconds as (typeof DURATION_BUCKETS)[number])) {
      throw new Error(`${j.name}: latency threshold ${j.latency.seconds}s is not a bucket boundary of the request-duration histogram`);
    }
    const labels = { journey: j.name };
    return WINDOWS.flatMap((w) => {
      const all = `sum(rate(${REQUESTS}{${selector(namespace, j)}}[${w}]))`;
      const failed = `(sum(rate(${REQUESTS}{${selector(namespace, j, ',status=~"5.."')}}[${w}])) or vector(0))`;
      const fast = `sum(rate(${DURATION}_bucket{${selector(namespace, j, `,le="${j.latency.seconds}"`)}}[${w}]))`;
      const count = `sum(rate(${DURATION}_count{${selector(namespace, j)}}[${w}]))`;
      return [
        { record: errorRatioRecord(w), expr: `${failed} / ${all}`, labels },
        { record: slowRatioRecord(w), expr: `1 - ${fast} / ${count}`, labels },
      ];
    });
  });
}

const pascal = (s: string) => s.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());

/** The multiwindow, multi-burn-rate alerts of every journey, for availability and latency. */
export function sloAlertRules(journeys: readonly Journey[] = JOURNEYS, alerts: readonly BurnAlert[] = BURN_ALERTS): Record<string, unknown>[] {
  return journeys.flatMap((j) =>
    (["availability", "latency"] as const).flatMap((sli) => {
      const objective = sli === "availability" ? j.availability : j.latency.objective;
      const budget = 1 - objective;
      const record = sli === "availability" ? errorRatioRecord : slowRatioRecord;
      const what = sli === "availability" ? "failing (5xx)" : `slower than ${j.latency.seconds}s`;
      return alerts.map((a) => {
        const threshold = Number((a.burnRate * budget).toFixed(6));
        if (threshold >= 1) throw new Error(`${j.name} ${sli}: a burn rate of ${a.burnRate} needs more than every request to fail`);
        const kind = a.severity === "page" ? "Fast" : "Slow";
        return {
          alert: `Meshmart${pascal(j.name)}${sli === "availability" ? "Availability" : "Latency"}Burn${kind}`,
          expr: `${record(a.long)}{journey="${j.name}"} > ${threshold} and ${record(a.short)}{journey="${j.name}"} > ${threshold}`,
          for: a.for,
          labels: { severity: a.severity, journey: j.name, slo: sli },
          annotations: {
            summary: `Shoppers ${j.title}: ${sli} error budget burning ${a.burnRate}x`,
            description:
              `{{ $value | humanizePercentage }} of requests ${what} over ${a.long} (and over ${a.short}); ` +
              `the objective is ${(objective * 100).toFixed(1)}% over 30 days, so this spends its budget ${a.burnRate}x too fast.`,
          },
        };
      });
    }),
  );
}

/** The PrometheusRule spec: the recording group, then the alerting group. */
export function sloRules(namespace: string): Record<string, unknown> {
  return {
    groups: [
      { name: "meshmart.slo.recording", rules: sloRecordingRules(namespace) },
      { name: "meshmart.slo.alerts", rules: sloAlertRules() },
    ],
  };
}
