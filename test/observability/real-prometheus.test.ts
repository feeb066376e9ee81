/**
 * The shop's rules and dashboard against a real Prometheus (Debian's binary)
 * scraping the local shop (every service and its own redis-server on
 * 127.0.0.1) under a little traffic, with the labels the ServiceMonitors give
 * in a cluster (honorLabels, and `namespace` added by relabeling):
 * - every dashboard panel's query (template variables set as Grafana would:
 *   the shop's namespace, every service) and every recording rule evaluates,
 *   and returns data (but for the panels named in NO_DATA_WHILE_HEALTHY),
 *   Redis's exporter (Debian's prometheus-redis-exporter, as its own ACL
 *   user) and notifications' consumer lag included;
 * - the panels over cluster-only series (kube-state-metrics, Istio's
 *   sidecars) evaluate without error on this Prometheus and name only the
 *   metrics and labels read upstream (CLUSTER_ONLY_SERIES); they cannot
 *   return data here, since nothing local exports those series, and the test
 *   asserts that they do not rather than backfilling made-up ones;
 * - with no failure injected the journeys' error ratios and the dashboard's
 *   error-ratio panels read 0, not nothing;
 * - every rule, alerting ones included, evaluates with health "ok";
 * - `promtool check metrics` finds nothing on any /metrics but the named
 *   complaints about prom-client's own default metrics.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { JOURNEYS, errorRatioRecord, sloRules, WINDOWS } from "../../infra/observability/slo";
import { alertRules } from "../../infra/observability/rules";
import { redDashboard } from "../../infra/observability/dashboard";
import { DEFAULT_MAXMEMORY, memoryBytes } from "../../infra/redis/redis-spec";
import { SHOP_PROCESSES } from "../../scripts/launcher/launcher-processes";
import { postJson } from "../support/services";
import { waitFor } from "../support/wait";
import { dashboardPanels as panelsOf, type DashboardPanel } from "./support/dashboard-panels";
import { REDIS_EXPORTER_JOB, startScrapedShop, type ScrapedShop } from "./support/scraped-shop";
import { CLUSTER_ONLY_SERIES, referencedNames } from "./support/upstream-series";

const NAMESPACE = "meshmart";

/**
 * Panels whose query returns nothing for a healthy shop, by title, with the
 * reason. Each must really be empty: a query that starts returning data
 * fails the test until it is taken off this list. (None rightly does: with
 * cart's canary weight at startShop's 0, payment v2 still answers probes and
 * scrapes, so the by-version panels have its series.)
 */
const NO_DATA_WHILE_HEALTHY: Readonly<Record<string, string>> = {};

/**
 * `promtool check metrics` complaints excused, verbatim: prom-client's
 * (15.1.3) default metrics from collectDefaultMetrics, gauges whose names end
 * in _total (lib/metrics/processHandles.js, processRequests.js,
 * processResources.js), which the services cannot rename. Anything else
 * promtool (2.42, Debian) says fails the test.
 */
const PROM_CLIENT_DEFAULTS: readonly string[] = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"].map(
  (name) => `${name} non-counter metrics should not have "_total" suffix`,
);

/**
 * Every panel (rows aside) of the dashboard with all its sections (the Istio
 * one included), each query's `expr` as Grafana sends it (the shop's
 * namespace chosen, every service: "All" is `.*`) and `rawExpr` as written.
 */
function dashboardPanels(): DashboardPanel[] {
  return panelsOf(redDashboard(NAMESPACE, { meshMetrics: "istio" }));
}

/** Whether every series a query reads exists only in a cluster (CLUSTER_ONLY_SERIES). */
function clusterOnly(expr: string): boolean {
  return referencedNames(expr).metrics.every((m) => m in CLUSTER_ONLY_SERIES);
}

/** `promtool check metrics` over one exposition (stdin); resolves with what it printed. */
function promtoolCheckMetrics(exposition: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    child.stdin.end(exposition);
  });
}

describe("a real Prometheus scraping the local shop", function () {
  this.timeout(60_000);
  let scraped: ScrapedShop | undefined;
  const prom = () => scraped!.prom;
  let gateway: string;

  /** One shopper's journeys through the gateway: browse, view, add to the cart, check out. */
  async function shopperVisit(shopper: string): Promise<void> {
    const answers = [
      await fetch(`${gateway}/api/products`),
      await fetch(`${gateway}/api/products/1`),
      await postJson(`${gateway}/api/cart/${shopper}/add`, { product_id: "1", quantity: 1 }),
      await fetch(`${gateway}/api/cart/${shopper}/checkout`, { method: "POST" }),
    ];
    for (const a of answers) {
      const body = await a.text();
      expect(a.status, `${a.url}: ${body}`).to.be.below(300);
    }
  }

  /**
   * Fresh checkouts, seen by Prometheus: rate() over the panels' 1m window
   * needs increases inside it, so panels read "now" are fed just before.
   */
  let visits = 100;
  async function trafficNow(): Promise<void> {
    for (let i = 0; i < 2; i++) await shopperVisit(`shopper-${visits++}`);
    for (const service of ["gateway", "catalog", "cart", "payment", "orders", "notifications"]) {
      await waitFor(
        `${service}'s request rate over the last minute`,
        async () => ((await prom().query(`sum(rate(http_requests_total{service="${service}",route!~"/healthz|/readyz|/metrics"}[1m])) > 0`)).result.length > 0 ? true : undefined),
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    }
    // and two fresh scrapes of Redis's exporter, which a slow scrape can leave stale for a moment
    await waitFor(
      "Redis's command rate over the last minute",
      async () => ((await prom().query(`sum(rate(redis_commands_processed_total[1m])) > 0`)).result.length > 0 ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  }

  /** The journeys' error-ratio recordings over `window`, by journey (NaN while a journey has no rate yet). */
  async function errorRatios(window: (typeof WINDOWS)[number]): Promise<Record<string, number>> {
    const { result } = await prom().query(errorRatioRecord(window));
    return Object.fromEntries(result.map((s) => [s.metric.journey!, Number(s.value[1])]));
  }

  before(async function () {
    this.timeout(60_000);
    // Redis with the cluster's ACL users and maxmemory, the exporter as its own user, Prometheus with the rules
    scraped = await startScrapedShop({ namespace: NAMESPACE });
    gateway = scraped.shop.urls.gateway;
    // a counter's first scrape only sets its start: rate() needs it to grow between two scrapes
    await shopperVisit("shopper-1");
    await waitFor(
      "the first visit's requests to be scraped",
      async () => (await prom().query(`http_requests_total{service="gateway",route="/api/cart/:userId/checkout"}`)).result.length > 0,
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    for (let i = 2; i <= 6; i++) await shopperVisit(`shopper-${i}`);
    await waitFor(
      "every journey's error ratio to be recorded",
      async () => {
        const ratios = await errorRatios("5m");
        return JOURNEYS.every((j) => Number.isFinite(ratios[j.name])) ? ratios : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    // payment's series appear with the first checkout; rate() needs two scrapes of its counter
    await waitFor(
      "payment's request rate by version",
      async () => ((await prom().query(`sum by (version) (rate(http_requests_total{service="payment",route="/payments"}[1m]))`)).result.length > 0 ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });

  after(async function () {
    this.timeout(30_000);
    await scraped?.stop();
  });

  it("scrapes every service with the ServiceMonitor's labels, the services' own service label winning", async () => {
    const health = await prom().targetsUp();
    expect(health).to.deep.equal(Object.fromEntries([...SHOP_PROCESSES, REDIS_EXPORTER_JOB].map((p) => [p, "up"])));
    const { result } = await prom().query(`count by (namespace, service, version) (http_requests_total)`);
    const seen = result.map((s) => `${s.metric.namespace}/${s.metric.service}/${s.metric.version}`);
    expect(seen).to.include(`${NAMESPACE}/payment/v2`);
    expect(seen).to.include(`${NAMESPACE}/gateway/v1`);
  });

  it("reads 0 for every journey's error ratio, in every window, with no failure injected", async () => {
    for (const w of WINDOWS) {
      const ratios = await errorRatios(w);
      expect(ratios, errorRatioRecord(w)).to.deep.equal(Object.fromEntries(JOURNEYS.map((j) => [j.name, 0])));
    }
  });

  it("evaluates every recording rule's expression, with data", async () => {
    const recordings = [sloRules(NAMESPACE), alertRules(NAMESPACE)].flatMap((spec) =>
      (spec.groups as { rules: { record?: string; expr: string }[] }[]).flatMap((g) => g.rules.filter((r) => r.record)),
    );
    expect(recordings).to.not.be.empty;
    const empty: string[] = [];
    for (const r of recordings) {
      const { result } = await prom().query(r.expr);
      if (result.length === 0) empty.push(`${r.record}: ${r.expr}`);
    }
    expect(empty, "recording rules without data").to.deep.equal([]);
  });

  it("evaluates every dashboard panel's query, with data but for the named exceptions", async () => {
    await trafficNow();
    const panels = dashboardPanels().filter((p) => !p.targets.every((t) => clusterOnly(t.rawExpr)));
    expect(panels.map((p) => p.title)).to.include.members(["Redis memory against maxmemory", "Redis commands per second", "Redis clients", "notifications: consumer lag on the events stream", "GC time (share of wall time)"]);
    const empty: string[] = [];
    for (const p of panels) {
      for (const t of p.targets) {
        expect(t.rawExpr, `${p.title}: filtered by the namespace variable`).to.contain('namespace=~"$namespace"');
        const { result } = await prom().query(t.expr); // rejects with Prometheus's error text
        if (result.length === 0) empty.push(p.title);
      }
    }
    expect([...new Set(empty)].sort(), "panels without data").to.deep.equal(Object.keys(NO_DATA_WHILE_HEALTHY).sort());
  });

  it("reads 0 in every error-ratio panel, and 0 lag once notifications consumed the checkouts' events, with no failure injected", async () => {
    await trafficNow();
    const ratios = dashboardPanels().filter((p) => p.title.toLowerCase().includes("error ratio") && !p.targets.every((t) => clusterOnly(t.rawExpr)));
    expect(ratios).to.have.length.above(2);
    for (const p of ratios) {
      for (const t of p.targets) {
        const { result } = await prom().query(t.expr);
        expect(result.map((r) => Number(r.value[1])), `${p.title}: ${JSON.stringify(result)}`).to.satisfy((values: number[]) => values.length > 0 && values.every((v) => v === 0));
      }
    }
    const lag = dashboardPanels().find((p) => p.title.includes("consumer lag"))!;
    const { result } = await waitFor(
      "the events lag to read 0",
      async () => {
        const answer = await prom().query(lag.targets[0]!.expr);
        return answer.result.length > 0 && answer.result.every((r) => r.value[1] === "0") ? answer : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(result.map((r) => r.metric)).to.deep.equal([{ service: "notifications", stream: "events", group: "notifications" }]);
  });

  it("reads Redis through its exporter's own ACL user: up, its maxmemory, commands counted", async () => {
    const value = async (expr: string) => Number((await prom().query(expr)).result[0]?.value[1]);
    expect(await value(`redis_up{namespace="${NAMESPACE}"}`), scraped!.exporter.output()).to.equal(1);
    expect(await value(`redis_memory_max_bytes{namespace="${NAMESPACE}"}`)).to.equal(memoryBytes(DEFAULT_MAXMEMORY));
    expect(await value(`redis_commands_processed_total{namespace="${NAMESPACE}"}`)).to.be.above(0);
  });

  it("evaluates the cluster-only panels (kube-state-metrics, Istio) on this Prometheus, naming only upstream's metrics and labels", async () => {
    const panels = dashboardPanels().filter((p) => p.targets.every((t) => clusterOnly(t.rawExpr)));
    expect(panels.map((p) => p.title).sort()).to.deep.equal(
      ["HPA replicas against limits", "Istio: payment error ratio by version", "Istio: payment p99 latency by version", "Istio: payment requests per second by version"].sort(),
    );
    for (const p of panels) {
      for (const t of p.targets) {
        const { metrics, labels } = referencedNames(t.rawExpr);
        const known = new Set(metrics.flatMap((m) => CLUSTER_ONLY_SERIES[m] ?? []));
        expect(labels.filter((l) => !known.has(l)), `${p.title}: labels no upstream series of ${metrics.join(", ")} has`).to.deep.equal([]);
        for (const v of ["namespace", "service"]) expect(t.rawExpr, `${p.title}: filtered by $${v}`).to.contain(`$${v}`);
        // evaluates (a syntax or type error rejects); no local process exports these series, so no data
        const { result } = await prom().query(t.expr);
        expect(result, `${p.title}: nothing here exports ${metrics.join(", ")}`).to.deep.equal([]);
      }
    }
  });

  it("evaluates every rule, alerting ones included, with health ok", async () => {
    const expected = [sloRules(NAMESPACE), alertRules(NAMESPACE)].flatMap((spec) =>
      (spec.groups as { rules: { record?: string; alert?: string }[] }[]).flatMap((g) => g.rules.map((r) => (r.record ?? r.alert)!)),
    );
    // every rule evaluated at least once since the recordings had values; wait for one full round
    const rules = await waitFor(
      "every rule evaluated",
      async () => {
        const all = await prom().rules();
        return all.length === expected.length && all.every((r) => r.health !== "unknown") ? all : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    const unhealthy = rules.filter((r) => r.health !== "ok").map((r) => `${r.name} (${r.health}): ${r.lastError ?? ""}`);
    expect(unhealthy).to.deep.equal([]);
  });

  it("passes promtool check metrics on every service's /metrics, but for prom-client's default metrics", async () => {
    const complaints: string[] = [];
    for (const p of SHOP_PROCESSES) {
      const exposition = await (await fetch(`${scraped!.shop.urls[p]}/metrics`)).text();
      const { code, output } = await promtoolCheckMetrics(exposition);
      const lines = output.split("\n").filter((l) => l.trim() !== "");
      const unexcused = lines.filter((l) => !PROM_CLIENT_DEFAULTS.includes(l.trim()));
      complaints.push(...unexcused.map((l) => `${p}: ${l}`));
      if (lines.length === 0) expect(code, `${p}: promtool exit code`).to.equal(0);
    }
    expect(complaints).to.deep.equal([]);
  });
});
