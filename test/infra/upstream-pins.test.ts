/**
 * Expectations from outside the code: chart versions and repositories, the
 * mesh releases, third-party pod labels and the Helm values each chart
 * accepts are literals in fixtures/upstream.ts, each read from the upstream
 * source at the pinned version. The program's constants and every Helm
 * release it declares are checked against them, never the reverse.
 */
import { expect } from "chai";
import { GATEWAY_API_VERSION, ISTIO_VERSION, LINKERD_CHART_VERSION, LINKERD_EDGE_RELEASE, MESH_CHARTS } from "../../infra/mesh/mesh-charts";
import { CHARTS } from "../../infra/platform/platform-charts";
import { CONTROLLER_POD_LABELS } from "../../infra/platform/ingress-nginx";
import { PROMETHEUS_POD_LABELS, PROMETHEUS_SERVICE } from "../../infra/platform/monitoring";
import { CHART_PINS, CHART_VALUE_PATHS, INGRESS_NGINX_CONTROLLER_POD_LABELS, KPS_PROMETHEUS_CR, MESH_RELEASES, PROMETHEUS_POD_LABELS_UPSTREAM } from "./fixtures/upstream";
import { allRuns, ofType, reveal, VARIANTS, type Variant } from "./support/stacks";

/** Helm releases, and charts the provider renders and applies itself (helm.v4.Chart). */
const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
const helmCharts = (r: Parameters<typeof ofType>[0]) => HELM_TYPES.flatMap((type) => ofType(r, type));

/** The dotted paths of a values tree's leaves (scalars, arrays and empty maps are leaves). */
export function valuePaths(values: unknown, prefix = ""): string[] {
  if (prefix === "" && values && typeof values === "object" && Object.keys(values).length === 0) return [];
  if (values && typeof values === "object" && !Array.isArray(values) && Object.keys(values).length > 0) {
    return Object.entries(values).flatMap(([k, v]) => valuePaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

/** Paths a chart does not declare: not listed, and not under a listed free-form map (`x.*`). */
export function undeclaredPaths(chart: string, values: unknown): string[] {
  const allowed = CHART_VALUE_PATHS[chart];
  if (!allowed) return [`no recorded values for chart ${chart}`];
  return valuePaths(values).filter((p) => !allowed.some((a) => (a.endsWith(".*") ? p.startsWith(a.slice(0, -1)) : p === a)));
}

/** A release's chart and repository as pinned: an OCI reference (`oci://host/path/chart`) is the repository plus the chart's name. */
export function releaseChart(inputs: { chart: string; repositoryOpts?: { repo?: string } }): { chart: string; repo?: string } {
  if (!inputs.chart.startsWith("oci://")) return { chart: inputs.chart, repo: inputs.repositoryOpts?.repo };
  const at = inputs.chart.lastIndexOf("/");
  return { chart: inputs.chart.slice(at + 1), repo: inputs.chart.slice(0, at) };
}

const isSubset = (part: Record<string, string>, whole: Record<string, string>) => Object.entries(part).every(([k, v]) => whole[k] === v);

describe("pins and labels come from upstream, not from the program's constants", function () {
  this.timeout(180_000);

  it("every chart the program pins is a published one (name, version, repository)", () => {
    const pins = CHART_PINS as Record<string, unknown>;
    for (const [key, ref] of Object.entries({ ...CHARTS, ...MESH_CHARTS })) expect(ref, key).to.deep.equal(pins[key]);
    expect(Object.keys(CHARTS)).to.include.members(["ingressNginx", "kubePrometheusStack", "metricsServer"]);
    expect(Object.keys(MESH_CHARTS)).to.include.members(["istioBase", "istiod", "linkerdCrds", "linkerdControlPlane", "linkerdViz"]);
  });

  it("the mesh releases are the published ones", () => {
    expect({ istio: ISTIO_VERSION, linkerdEdge: LINKERD_EDGE_RELEASE, linkerdCharts: LINKERD_CHART_VERSION, gatewayApi: GATEWAY_API_VERSION }).to.deep.equal(MESH_RELEASES);
  });

  it("every Helm release every run declares is a published chart at its pinned version and repository", async () => {
    const runs = await allRuns();
    const pins = Object.values(CHART_PINS).map((p) => JSON.stringify({ chart: p.chart, version: p.version, repo: p.repo }));
    const seen = new Set<string>();
    for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
      for (const rel of helmCharts(runs[variant])) {
        const i = reveal(rel.inputs);
        const { chart, repo } = releaseChart(i);
        const ref = JSON.stringify({ chart, version: i.version, repo });
        expect(pins, `${variant} ${rel.name}`).to.include(ref);
        seen.add(chart);
      }
    }
    // Every chart the program pins is installed by some run.
    expect([...seen]).to.include.members(Object.values({ ...CHARTS, ...MESH_CHARTS }).map((p) => p.chart));
  });

  it("selects the ingress controller's and Prometheus's pods by labels those pods carry", () => {
    expect(isSubset(CONTROLLER_POD_LABELS, INGRESS_NGINX_CONTROLLER_POD_LABELS), JSON.stringify(CONTROLLER_POD_LABELS)).to.equal(true);
    expect(isSubset(PROMETHEUS_POD_LABELS, PROMETHEUS_POD_LABELS_UPSTREAM), JSON.stringify(PROMETHEUS_POD_LABELS)).to.equal(true);
    expect(Object.keys(PROMETHEUS_POD_LABELS)).to.not.be.empty;
    expect(PROMETHEUS_SERVICE).to.equal(KPS_PROMETHEUS_CR);
  });

  it("the labels check itself fails on a wrong label", () => {
    expect(isSubset({ "app.kubernetes.io/name": "prometheus-server" }, PROMETHEUS_POD_LABELS_UPSTREAM)).to.equal(false);
    expect(isSubset({ "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controllers" }, INGRESS_NGINX_CONTROLLER_POD_LABELS)).to.equal(false);
  });

  it("every Helm release's values use only keys its chart declares at the pinned version", async () => {
    const runs = await allRuns();
    const problems: string[] = [];
    for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
      for (const rel of helmCharts(runs[variant])) {
        const i = reveal(rel.inputs);
        const { chart } = releaseChart(i);
        for (const p of undeclaredPaths(chart, i.values ?? {})) problems.push(`${variant} ${chart}: ${p}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it("the values check itself catches a misspelt or misplaced key, and allows free-form maps", () => {
    expect(undeclaredPaths("ingress-nginx", { controller: { replicaCont: 1, podLabels: { "any/label": "x" } } })).to.deep.equal(["controller.replicaCont"]);
    expect(undeclaredPaths("kube-prometheus-stack", { prometheusSpec: { retention: "1d" } })).to.deep.equal(["prometheusSpec.retention"]);
    expect(undeclaredPaths("istiod", { meshConfig: { outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } } })).to.deep.equal([]);
    expect(undeclaredPaths("some-chart", {})).to.deep.equal(["no recorded values for chart some-chart"]);
    expect(undeclaredPaths("metrics-server", {})).to.deep.equal([]);
  });

  it("reads an OCI chart reference as its repository and chart", () => {
    expect(releaseChart({ chart: "oci://docker.io/envoyproxy/gateway-helm" })).to.deep.equal({ chart: "gateway-helm", repo: "oci://docker.io/envoyproxy" });
    expect(releaseChart({ chart: "istiod", repositoryOpts: { repo: "https://example.test/charts" } })).to.deep.equal({ chart: "istiod", repo: "https://example.test/charts" });
  });
});
