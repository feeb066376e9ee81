/**
 * The SLO rules (infra/observability/slo.ts) checked and unit-tested with the
 * real tool: Debian's promtool (`.ci/run` installs the `prometheus` package).
 * Input series are the gateway's counters as the services export them; each
 * case says which alerts fire at a given time and which stay quiet. The demo's
 * injected faults (5% of checkouts answering 504) must never alert.
 *
 * Alert annotations are templates of the firing value; promtool compares them
 * verbatim, so the alert tests run on the same rules without annotations,
 * and `promtool check rules` validates the shipped file, templates included.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { promtool, withoutAnnotations } from "./support/promtool";
import { JOURNEYS, sloRules, type JourneyName } from "../../infra/observability/slo";
import { objects, ofType, reveal, run as runStack, transitiveDependencies } from "../infra/support/stacks";

const NS = "meshmart";
const MINUTES = 420; // 7 hours of samples, one a minute

/** A journey's gateway series: `rpm` requests a minute, a share failing with 504 and a share slow. */
function journeySeries(name: JourneyName, rpm: number, failing: number, slow = 0): { series: string; values: string }[] {
  const j = JOURNEYS.find((x) => x.name === name)!;
  const labels = (status: string) => `namespace="${NS}",service="gateway",method="${j.method}",route="${j.routes[0]}",status="${status}"`;
  const counter = (perMinute: number) => `0+${perMinute}x${MINUTES}`;
  const ok = rpm * (1 - failing);
  const out = [
    { series: `http_requests_total{${labels("200")}}`, values: counter(ok) },
    { series: `http_request_duration_seconds_count{${labels("200")}}`, values: counter(ok) },
    { series: `http_request_duration_seconds_bucket{${labels("200")},le="${j.latency.seconds}"}`, values: counter(ok - rpm * slow) },
  ];
  if (failing > 0) {
    const bad = rpm * failing;
    out.push(
      { series: `http_requests_total{${labels("504")}}`, values: counter(bad) },
      { series: `http_request_duration_seconds_count{${labels("504")}}`, values: counter(bad) },
      { series: `http_request_duration_seconds_bucket{${labels("504")},le="${j.latency.seconds}"}`, values: counter(bad) },
    );
  }
  return out;
}

const ALERTS = JOURNEYS.flatMap((j) => {
  const p = j.name.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
  return ["Availability", "Latency"].flatMap((sli) => ["Fast", "Slow"].map((k) => `Meshmart${p}${sli}Burn${k}`));
});

interface Case {
  readonly name: string;
  readonly series: { series: string; values: string }[];
  readonly at: string;
  /** Alerts that fire at `at` (with their labels); every other alert of ALERTS must be quiet. */
  readonly firing: Record<string, { severity: string; journey: string; slo: string }>;
}

function testFile(cases: readonly Case[]): Record<string, unknown> {
  return {
    rule_files: ["rules.yml"],
    evaluation_interval: "1m",
    tests: cases.map((c) => ({
      name: c.name,
      interval: "1m",
      input_series: c.series,
      alert_rule_test: ALERTS.map((alertname) => ({
        eval_time: c.at,
        alertname,
        exp_alerts: c.firing[alertname] ? [{ exp_labels: c.firing[alertname] }] : [],
      })),
    })),
  };
}



const quietDemo = () => [...journeySeries("browse", 600, 0), ...journeySeries("add_to_cart", 120, 0), ...journeySeries("checkout", 60, 0.05)];

describe("SLO rules, with the real promtool", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "meshmart-slo-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the shipped rules pass promtool check rules (templates included)", async () => {
    writeFileSync(join(dir, "shipped.yml"), stringify(sloRules(NS)));
    expect(await promtool(dir, "check", "rules", "shipped.yml")).to.match(/SUCCESS: \d+ rules found/);
  });

  it("fires when it should and stays quiet under the demo's faults (promtool test rules)", async () => {
    writeFileSync(join(dir, "rules.yml"), stringify(withoutAnnotations(sloRules(NS))));
    const cases: Case[] = [
      { name: "the demo's injected faults (5% of checkouts fail) page nobody, for hours", series: quietDemo(), at: "6h50m", firing: {} },
      {
        name: "20% of checkouts failing pages within 10 minutes",
        series: [...journeySeries("browse", 600, 0), ...journeySeries("checkout", 60, 0.2)],
        at: "10m",
        firing: { MeshmartCheckoutAvailabilityBurnFast: { severity: "page", journey: "checkout", slo: "availability" } },
      },
      {
        name: "8% of checkouts failing for hours opens a ticket, and pages nobody",
        series: [...journeySeries("browse", 600, 0), ...journeySeries("checkout", 60, 0.08)],
        at: "6h50m",
        firing: { MeshmartCheckoutAvailabilityBurnSlow: { severity: "ticket", journey: "checkout", slo: "availability" } },
      },
      {
        name: "browsing down by half pages",
        series: [...journeySeries("browse", 600, 0.5), ...journeySeries("checkout", 60, 0)],
        at: "10m",
        firing: { MeshmartBrowseAvailabilityBurnFast: { severity: "page", journey: "browse", slo: "availability" } },
      },
      {
        name: "a fifth of the adds slower than their threshold pages on latency",
        series: [...journeySeries("add_to_cart", 120, 0, 0.2)],
        at: "10m",
        firing: { MeshmartAddToCartLatencyBurnFast: { severity: "page", journey: "add_to_cart", slo: "latency" } },
      },
    ];
    // Every alert a case expects exists (a misspelt name would silently test nothing).
    for (const c of cases) for (const name of Object.keys(c.firing)) expect(ALERTS, c.name).to.include(name);
    writeFileSync(join(dir, "tests.yml"), stringify(testFile(cases)));
    expect(await promtool(dir, "test", "rules", "tests.yml")).to.contain("SUCCESS");
  });

  it("reads 0, not nothing, for a journey with traffic and no failure (promtool test rules)", async () => {
    writeFileSync(join(dir, "rules.yml"), stringify(withoutAnnotations(sloRules(NS))));
    const test = {
      rule_files: ["rules.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: journeySeries("browse", 600, 0),
          promql_expr_test: [
            { expr: 'journey:http_errors:ratio_rate5m{journey="browse"}', eval_time: "10m", exp_samples: [{ labels: 'journey:http_errors:ratio_rate5m{journey="browse"}', value: 0 }] },
            { expr: 'journey:http_slow:ratio_rate5m{journey="browse"}', eval_time: "10m", exp_samples: [{ labels: 'journey:http_slow:ratio_rate5m{journey="browse"}', value: 0 }] },
            // No checkout traffic: no ratio at all (nothing to measure), rather than a made-up 0.
            { expr: 'journey:http_errors:ratio_rate5m{journey="checkout"}', eval_time: "10m", exp_samples: [] },
          ],
        },
      ],
    };
    writeFileSync(join(dir, "zero.yml"), stringify(test));
    expect(await promtool(dir, "test", "rules", "zero.yml")).to.contain("SUCCESS");
  });

  it("can fail: an alert that should fire but does not is reported by promtool", async () => {
    writeFileSync(join(dir, "rules.yml"), stringify(withoutAnnotations(sloRules(NS))));
    const wrong: Case = { name: "expects a page the demo never causes", series: quietDemo(), at: "30m", firing: { MeshmartCheckoutAvailabilityBurnFast: { severity: "page", journey: "checkout", slo: "availability" } } };
    writeFileSync(join(dir, "wrong.yml"), stringify(testFile([wrong])));
    let failed = "";
    await promtool(dir, "test", "rules", "wrong.yml").catch((e: Error) => (failed = e.message));
    expect(failed).to.contain("MeshmartCheckoutAvailabilityBurnFast");
  });
});

describe("SLO rules in the stacks", function () {
  this.timeout(180_000);
  it("every stack with monitoring ships them as a PrometheusRule after kube-prometheus-stack, for the shop's namespace", async () => {
    for (const stack of ["dev", "istio", "linkerd"] as const) {
      const r = await runStack(stack);
      const rule = ofType(r, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").find((x) => x.inputs.metadata.name === "meshmart-slo")!;
      expect(rule, stack).to.not.equal(undefined);
      const kps = ofType(r, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === "kube-prometheus-stack")!;
      expect(transitiveDependencies(r, rule).has(kps.urn), stack).to.equal(true);
      expect(reveal(rule.inputs.spec)).to.deep.equal(sloRules("meshmart"));
      expect(objects(r, "PrometheusRule").length, stack).to.equal(2);
    }
    const devLocal = await runStack("devLocal");
    expect(objects(devLocal, "PrometheusRule")).to.deep.equal([]);
  });
});
