/**
 * The dashboard picture (`npm run dashboard-picture`, docs/dashboard.png) on
 * a short real run: the local shop with the demo's faults, scraped by
 * Debian's Prometheus, a few seconds of the load generator, every panel of
 * the dev stack's dashboard JSON queried over it; then drawn in Debian's
 * chromium. The page must hold one chart per panel of the dashboard, with
 * the panel's title, series with points in every panel local series can
 * fill, and a note on the ones only a cluster can.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { redDashboard } from "../../infra/observability/dashboard";
import { recordUnderLoad, type RecordedRun } from "../../scripts/dashboard-picture/record-under-load";
import { renderDashboard, type Rendered } from "../../scripts/dashboard-picture/render-dashboard";
import { canaryWeight, faultEnv } from "../../scripts/dashboard-picture/stack-settings";
import { legend } from "../../scripts/dashboard-picture/panel-series";
import { interpolate } from "./support/dashboard-panels";

const NAMESPACE = "meshmart";
const PNG = join(__dirname, "..", "..", "test-output", "dashboard-picture", "dashboard.png");

interface GridPanel {
  readonly type: string;
  readonly title?: string;
}

describe("the dashboard picture, from a short run on a real Prometheus", function () {
  this.timeout(60_000);
  const dashboard = redDashboard(NAMESPACE);
  // straight from the dashboard JSON: what Grafana would draw
  const titles = ((dashboard.panels ?? []) as GridPanel[]).filter((p) => p.type !== "row").map((p) => p.title);
  let run: RecordedRun;
  let rendered: Rendered;

  before(async function () {
    this.timeout(60_000);
    // checkout-heavy, so payment's rate() sees its counters grow within seconds
    const shop = { env: faultEnv("istio"), canaryWeight: canaryWeight("dev") };
    run = await recordUnderLoad({ dashboard, namespace: NAMESPACE, durationS: 8, rate: 15, mix: "browse=1,view=1,add=1,checkout=3", stepS: 1, shop });
    rendered = await renderDashboard(run.recorded, PNG);
  });

  it("draws one chart per panel of the dashboard, titled as the panel", () => {
    expect(titles).to.have.length.above(15);
    expect(rendered.canvases, "canvases in the page").to.equal(titles.length);
    expect(rendered.drawn.map((d) => d.title)).to.deep.equal(titles);
  });

  it("draws series with points in every panel but the cluster-only ones, which say why they are empty", () => {
    const byTitle = new Map(run.recorded.panels.map((p) => [p.title, p]));
    const empty = rendered.drawn.filter((d) => d.datasets === 0 || d.points === 0).map((d) => d.title);
    // kube-state-metrics runs only in a cluster; everything else the local shop exports
    expect(empty, `the load: ${JSON.stringify(run.load.journeys)}`).to.deep.equal(["HPA replicas against limits"]);
    expect(byTitle.get("HPA replicas against limits")!.note).to.match(/^No data here: kube_horizontalpodautoscaler_.* exist only in a cluster\.$/);
    for (const d of rendered.drawn.filter((x) => !empty.includes(x.title))) expect(byTitle.get(d.title)!.note, d.title).to.equal(undefined);
  });

  it("labels the series by the panels' legend formats, filled from the series' labels", () => {
    const legends = run.recorded.panels.flatMap((p) => p.series.map((s) => s.label));
    expect(legends.filter((l) => l.includes("{{") || l.trim() === "")).to.deep.equal([]);
    const rps = run.recorded.panels.find((p) => p.title === "Requests per second")!;
    expect(rps.series.map((s) => s.label)).to.include.members(["gateway", "cart", "catalog"]);
    expect(run.recorded.panels.find((p) => p.title === "Redis memory against maxmemory")!.series.map((s) => s.label)).to.deep.equal(["used", "maxmemory"]);
    // Grafana's renderLegendFormat: a label the series lacks is shown by its name
    expect(legend("{{service}} {{ kind }}", { service: "cart" })).to.equal("cart kind");
  });

  it("writes a PNG of the whole grid", () => {
    const png = readFileSync(rendered.path);
    expect(png.subarray(1, 4).toString("latin1")).to.equal("PNG");
    // IHDR: width and height, big-endian, at bytes 16 and 20
    expect(png.readUInt32BE(16)).to.equal(1800);
    expect(png.readUInt32BE(20)).to.be.above(2000);
  });

  it("substitutes the dashboard's variables as Grafana does, and refuses one the dashboard does not have", () => {
    expect(interpolate('x{namespace=~"$namespace",service=~"${service}"}', { namespace: NAMESPACE, service: ".*" })).to.equal(`x{namespace=~"${NAMESPACE}",service=~".*"}`);
    expect(() => interpolate('x{pod=~"$pod"}', { namespace: NAMESPACE })).to.throw(/\$pod, which is not a variable/);
  });
});
