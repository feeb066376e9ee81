/**
 * The per-service cause alerts (infra/observability/rules.ts, warnings) with
 * the real promtool: quiet under the demo's injected faults (catalog answers
 * 5% of requests 500; 5% of payments hang for seconds), firing on a real
 * failure. Alert annotations are value templates that promtool compares
 * verbatim, so the cases run on the rules without them (as slo-rules.test.ts).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { promtool as runPromtool, withoutAnnotations } from "./support/promtool";
import { alertRules } from "../../infra/observability/rules";

const NS = "meshmart";
const BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];

/** A service's counters: `rpm` requests a minute, a share answered 500, a share taking `slowSeconds`. */
function serviceSeries(service: string, rpm: number, failing: number, slow = 0, slowSeconds = 2.5, route = "/x"): { series: string; values: string }[] {
  const labels = (status: string) => `namespace="${NS}",service="${service}",method="GET",route="${route}",status="${status}"`;
  const counter = (perMinute: number) => `0+${perMinute}x60`;
  const out: { series: string; values: string }[] = [];
  for (const [status, share] of [["200", 1 - failing], [route === "/readyz" ? "503" : "500", failing]] as const) {
    if (share === 0) continue;
    const n = rpm * share;
    out.push({ series: `http_requests_total{${labels(status)}}`, values: counter(n) });
    for (const le of BUCKETS) {
      // Fast requests take 20 ms; the slow share takes slowSeconds.
      const fast = Number(le) >= 0.025 || le === "+Inf" ? n * (1 - slow) : 0;
      const slowIn = Number(le) >= slowSeconds || le === "+Inf" ? n * slow : 0;
      out.push({ series: `http_request_duration_seconds_bucket{${labels(status)},le="${le}"}`, values: counter(fast + slowIn) });
    }
  }
  return out;
}


describe("per-service alert rules, with the real promtool", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "meshmart-rules-"));
    writeFileSync(join(dir, "shipped.yml"), stringify(alertRules(NS)));
    writeFileSync(join(dir, "rules.yml"), stringify(withoutAnnotations(alertRules(NS))));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const promtool = (...args: string[]) => runPromtool(dir, ...args);

  it("the shipped rules pass promtool check rules", async () => {
    expect(await promtool("check", "rules", "shipped.yml")).to.match(/SUCCESS: 3 rules found/);
  });

  it("stay quiet under the demo's faults and fire on a real failure (promtool test rules)", async () => {
    const alerts = ["MeshmartHighErrorRate", "MeshmartHighLatencyP90"];
    const test = (name: string, series: { series: string; values: string }[], firing: Record<string, Record<string, string>>) => ({
      name,
      interval: "1m",
      input_series: series,
      alert_rule_test: alerts.map((alertname) => ({ eval_time: "30m", alertname, exp_alerts: firing[alertname] ? [{ exp_labels: firing[alertname] }] : [] })),
    });
    const file = {
      rule_files: ["rules.yml"],
      evaluation_interval: "1m",
      tests: [
        test("demo: catalog answers 5% 500, 5% of payments hang", [...serviceSeries("catalog", 600, 0.05), ...serviceSeries("payment", 60, 0, 0.05)], {}),
        test("catalog failing a third of its requests", [...serviceSeries("catalog", 600, 0.33)], {
          MeshmartHighErrorRate: { severity: "warning", service: "catalog" },
        }),
        test("payment: a fifth of the requests slow", [...serviceSeries("payment", 60, 0, 0.2)], {
          MeshmartHighLatencyP90: { severity: "warning", service: "payment" },
        }),
        // Probes and scrapes are not traffic: a readiness probe answering 503 is readiness's business,
        // and slow scrapes are Prometheus's; neither is what shoppers get.
        test("orders: only probes, all 503, and slow scrapes", [...serviceSeries("orders", 12, 1, 0, 2.5, "/readyz"), ...serviceSeries("orders", 4, 0, 1, 2.5, "/metrics")], {}),
      ],
    };
    writeFileSync(join(dir, "tests.yml"), stringify(file));
    expect(await promtool("test", "rules", "tests.yml")).to.contain("SUCCESS");
  });
});
