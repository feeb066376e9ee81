/**
 * The dashboard's Linkerd canary row (linkerd stack only), evaluated by the
 * real tool: Debian's promtool runs each panel's query (the template
 * variables set as Grafana sets them: the shop's namespace, service "All")
 * as a recording rule over input series shaped as kube-prometheus-stack's
 * Prometheus stores the proxies' metrics — linkerd2-proxy v2.366.0's
 * response_total / response_latency_ms_bucket (direction, route_name,
 * classification, status_code, le) with the labels linkerd-viz's relabeling
 * adds (namespace, deployment, app) — and checks what each panel shows:
 * payment-v1 and payment-v2 apart, a failure ratio of 0 (not "No data") where
 * nothing fails, and the kubelet's probes, Prometheus's scrapes, payment's own
 * outbound calls and other apps left out. A cluster cannot run here; this is
 * as close as the machine gets to one.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { redDashboard } from "../../infra/observability/dashboard";
import { promtool } from "./support/promtool";

const NS = "meshmart";
const PANELS = {
  rate: "Linkerd: payment requests per second by deployment",
  failures: "Linkerd: payment failure ratio by deployment",
  p99: "Linkerd: payment p99 latency by deployment",
} as const;

/** The panel's query as Grafana sends it: $namespace the shop's, $service "All" (the variable's allValue `.*`). */
function panelQuery(title: string): string {
  const panels = (redDashboard(NS, { meshMetrics: "linkerd" }).panels ?? []) as { title?: string; targets?: { expr: string }[] }[];
  const panel = panels.find((p) => p.title === title);
  if (!panel?.targets?.length) throw new Error(`no panel "${title}"`);
  return panel.targets[0]!.expr.replaceAll("$namespace", NS).replaceAll("$service", ".*");
}

/** A counter growing by `perSample` every 15 s for 15 minutes. */
const counter = (perSample: number) => `0+${perSample}x60`;
/** The labels of a proxy's series after the PodMonitor's relabeling. */
function labels(l: { deployment: string; app?: string; route?: string; direction?: string }): string {
  const app = l.app ?? "payment";
  return `direction="${l.direction ?? "inbound"}",namespace="${NS}",pod="${l.deployment}-0",deployment="${l.deployment}",app="${app}",route_name="${l.route ?? `${app}-post-payments`}",route_kind="HTTPRoute",srv_name="${app}",tls="true"`;
}

const INPUT = [
  // payment-v1: 1 request/s, none failing, every one under 10 ms
  { series: `response_total{${labels({ deployment: "payment-v1" })},status_code="200",classification="success"}`, values: counter(15) },
  ...["10", "100", "+Inf"].map((le) => ({ series: `response_latency_ms_bucket{${labels({ deployment: "payment-v1" })},status_code="200",le="${le}"}`, values: counter(15) })),
  // payment-v2: 2 requests/s, half of them failing, every one between 10 and 100 ms
  { series: `response_total{${labels({ deployment: "payment-v2" })},status_code="200",classification="success"}`, values: counter(15) },
  { series: `response_total{${labels({ deployment: "payment-v2" })},status_code="502",classification="failure"}`, values: counter(15) },
  { series: `response_latency_ms_bucket{${labels({ deployment: "payment-v2" })},status_code="200",le="10"}`, values: counter(0) },
  ...["100", "+Inf"].map((le) => ({ series: `response_latency_ms_bucket{${labels({ deployment: "payment-v2" })},status_code="200",le="${le}"}`, values: counter(30) })),
  // not traffic: the kubelet's probes (slow, many) and Prometheus's scrapes of payment-v1, on their own routes
  { series: `response_total{${labels({ deployment: "payment-v1", route: "payment-probes" })},status_code="200",classification="success"}`, values: counter(150) },
  { series: `response_total{${labels({ deployment: "payment-v1", route: "payment-metrics" })},status_code="500",classification="failure"}`, values: counter(15) },
  ...["10", "100"].map((le) => ({ series: `response_latency_ms_bucket{${labels({ deployment: "payment-v1", route: "payment-probes" })},status_code="200",le="${le}"}`, values: counter(0) })),
  ...["1000", "+Inf"].map((le) => ({ series: `response_latency_ms_bucket{${labels({ deployment: "payment-v1", route: "payment-probes" })},status_code="200",le="${le}"}`, values: counter(150) })),
  // not payment's inbound: payment-v1's own calls out, and cart's inbound
  { series: `response_total{${labels({ deployment: "payment-v1", direction: "outbound", route: "notifications" })},status_code="503",classification="failure"}`, values: counter(150) },
  { series: `response_total{${labels({ deployment: "cart", app: "cart", route: "cart-post-cart" })},status_code="500",classification="failure"}`, values: counter(150) },
];

describe("the dashboard's Linkerd canary row, evaluated by promtool over the proxies' series", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "meshmart-linkerd-panels-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("shows payment-v1 and payment-v2 apart: requests/s, failure ratio (0 where nothing fails), p99 in seconds; probes, scrapes, outbound calls and other apps left out", async () => {
    const rules = Object.entries(PANELS).map(([name, title]) => ({ record: `panel:linkerd_${name}`, expr: panelQuery(title) }));
    writeFileSync(join(dir, "panels.yaml"), stringify({ groups: [{ name: "linkerd-panels", rules }] }));
    const at = (expr: string, samples: { deployment: string; value: number }[]) => ({
      expr,
      eval_time: "10m",
      exp_samples: samples.map((s) => ({ labels: `${expr}{deployment="${s.deployment}"}`, value: s.value })),
    });
    writeFileSync(
      join(dir, "panels.test.yaml"),
      stringify({
        rule_files: ["panels.yaml"],
        evaluation_interval: "15s",
        tests: [
          {
            interval: "15s",
            input_series: INPUT,
            promql_expr_test: [
              at("panel:linkerd_rate", [
                { deployment: "payment-v1", value: 1 },
                { deployment: "payment-v2", value: 2 },
              ]),
              at("panel:linkerd_failures", [
                { deployment: "payment-v1", value: 0 },
                { deployment: "payment-v2", value: 0.5 },
              ]),
              // v1: 0.99 of the 0–10 ms bucket; v2: 10 ms + 0.99 of the 10–100 ms one
              at("panel:linkerd_p99", [
                { deployment: "payment-v1", value: 0.0099 },
                { deployment: "payment-v2", value: 0.0991 },
              ]),
            ],
          },
        ],
      }),
    );
    await promtool(dir, "check", "rules", "panels.yaml");
    const out = await promtool(dir, "test", "rules", "panels.test.yaml");
    expect(out).to.contain("SUCCESS");
  });
});
