/**
 * How many payment requests (`POST /payments`) each payment version has
 * served, from one of two sources:
 * - the payment processes' own /metrics (the local shop, or port-forwarded
 *   pods): `http_requests_total{route="/payments"}` summed by its `version`
 *   label over every URL given (services/kit/metrics.ts sets `service` and
 *   `version` as default labels);
 * - a Prometheus server's query API, for a cluster: the same counter summed
 *   by version across every scraped pod.
 */
export type VersionCounts = Record<string, number>;

export const PAYMENT_QUERY = 'sum by (version) (http_requests_total{service="payment",route="/payments"})';

/** One sample of the Prometheus text format: name, labels, value. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a /metrics page (comments and blank lines skipped). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** payment's `POST /payments` requests by version in one /metrics page. */
export function paymentRequests(text: string): VersionCounts {
  const counts: VersionCounts = {};
  for (const s of parseSamples(text)) {
    if (s.name !== "http_requests_total" || s.labels.route !== "/payments" || s.labels.method !== "POST") continue;
    if (s.labels.service !== undefined && s.labels.service !== "payment") continue;
    const version = s.labels.version ?? "unknown";
    counts[version] = (counts[version] ?? 0) + s.value;
  }
  return counts;
}

export function addCounts(a: VersionCounts, b: VersionCounts): VersionCounts {
  const sum: VersionCounts = { ...a };
  for (const [version, n] of Object.entries(b)) sum[version] = (sum[version] ?? 0) + n;
  return sum;
}

/** `after - before` per version (a version absent before counts from 0). */
export function delta(before: VersionCounts, after: VersionCounts): VersionCounts {
  const d: VersionCounts = {};
  for (const [version, n] of Object.entries(after)) d[version] = n - (before[version] ?? 0);
  return d;
}

export function total(counts: VersionCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** A source of counts: sums every payment process's /metrics. */
export function fromMetricsUrls(urls: readonly string[]): () => Promise<VersionCounts> {
  return async () => {
    let counts: VersionCounts = {};
    for (const url of urls) {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      counts = addCounts(counts, paymentRequests(await response.text()));
    }
    return counts;
  };
}

interface PromVector {
  readonly status: string;
  readonly error?: string;
  readonly data?: { readonly resultType: string; readonly result: { readonly metric: Record<string, string>; readonly value: [number, string] }[] };
}

/** A source of counts: Prometheus's instant query of PAYMENT_QUERY. */
export function fromPrometheus(prometheusUrl: string): () => Promise<VersionCounts> {
  return async () => {
    const url = new URL("api/v1/query", prometheusUrl.endsWith("/") ? prometheusUrl : `${prometheusUrl}/`);
    url.searchParams.set("query", PAYMENT_QUERY);
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as PromVector;
    if (body.status !== "success" || body.data?.resultType !== "vector") throw new Error(`Prometheus query failed: ${body.error ?? response.status}`);
    const counts: VersionCounts = {};
    for (const { metric, value } of body.data.result) counts[metric.version ?? "unknown"] = Number(value[1]);
    return counts;
  };
}
