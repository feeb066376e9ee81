/**
 * PromQL over the services' metrics (services/kit): a counter
 * http_requests_total and a histogram http_request_duration_seconds, both
 * labelled method, route, status, service and version. Dashboards and alert
 * rules share these builders so they always agree.
 */
export const REQUESTS = "http_requests_total";
export const DURATION = "http_request_duration_seconds";

/** A matcher value: "x" (equal), "~re" (matches), "!~re" (does not match). */
export type Matcher = string;
/** Label → matcher, or several matchers that all apply (`service="payment",service=~"$service"`). */
export type Matchers = Readonly<Record<string, Matcher | readonly Matcher[]>>;

function matcher(k: string, v: Matcher): string {
  return v.startsWith("!~") ? `${k}!~"${v.slice(2)}"` : v.startsWith("~") ? `${k}=~"${v.slice(1)}"` : `${k}="${v}"`;
}

export function selector(matchers: Matchers): string {
  return Object.entries(matchers)
    .flatMap(([k, v]) => (typeof v === "string" ? [matcher(k, v)] : v.map((one) => matcher(k, one))))
    .join(",");
}

/**
 * Shoppers' traffic only: the kubelet's probes and Prometheus's scrapes are
 * not requests anyone made of the shop (a quiet service would otherwise show
 * their steady rate, and its error ratio would be diluted by them).
 */
export const TRAFFIC_ONLY: Readonly<Record<string, string>> = { route: "!~/healthz|/readyz|/metrics" };

/** Requests per second, summed by `by`. */
export function requestRate(m: Matchers, by: string, window = "1m"): string {
  return `sum by (${by}) (rate(${REQUESTS}{${selector(m)}}[${window}]))`;
}

/**
 * Share of requests answered 5xx, by `by`: 0 (not "no data") for a group
 * with requests and no failure, since the failures' side falls back to the
 * group's requests times 0.
 */
export function errorRatio(m: Matchers, by: string, window = "1m"): string {
  const all = requestRate(m, by, window);
  return `(${requestRate({ ...m, status: "~5.." }, by, window)} or ${all} * 0) / ${all}`;
}

/** The q-quantile of request duration in seconds, by `by`. */
export function latencyQuantile(q: number, m: Matchers, by: string, window = "5m"): string {
  return `histogram_quantile(${q}, sum by (${by}, le) (rate(${DURATION}_bucket{${selector(m)}}[${window}])))`;
}
