/**
 * Per stack (mock runs): the dashboard ConfigMap Grafana's sidecar loads has
 * the expected panels and template variables, sits in the "meshmart" folder,
 * and Grafana's values make kube-prometheus-stack's Prometheus the default
 * datasource and our dashboard the home one; Redis's exporter is scraped
 * where Redis runs in the cluster. Expected literals come from upstream
 * (grafana chart 12.11.1, k8s-sidecar 2.10.1, kube-prometheus-stack 88.5.3),
 * not from the program's constants.
 */
import { expect } from "chai";
import { allRuns, objects, ofType, reveal, type StackRun } from "../infra/support/stacks";
import { CLUSTER_ONLY_SERIES, referencedNames } from "./support/upstream-series";

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Panels every stack shows (over the services' own metrics, Redis's exporter, kube-state-metrics). */
const COMMON_PANELS = [
  "Requests per second",
  "Error ratio (5xx)",
  "Latency p50 / p99",
  "Requests per second by route",
  "Error ratio by route (5xx)",
  "p99 latency by route",
  "payment requests per second by version",
  "payment error ratio by version",
  "payment p99 latency by version",
  "Event-loop lag p99",
  "Heap used / total",
  "GC time (share of wall time)",
  "Resident memory",
  "CPU (cores)",
  "Redis memory against maxmemory",
  "Redis commands per second",
  "Redis clients",
  "notifications: consumer lag on the events stream",
  "HPA replicas against limits",
];
/** Istio's sidecars are scraped (the Envoy PodMonitor) in the istio stack only. */
const ISTIO_PANELS = ["Istio: payment requests per second by version", "Istio: payment error ratio by version", "Istio: payment p99 latency by version"];
/** Linkerd's proxies are scraped (the linkerd-proxy PodMonitor) in the linkerd stack only. */
const LINKERD_PANELS = ["Linkerd: payment requests per second by deployment", "Linkerd: payment failure ratio by deployment", "Linkerd: payment p99 latency by deployment"];

function dashboardOf(r: StackRun): { cm: any; dashboard: any } {
  const cms = objects(r, "ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard === "1");
  expect(cms).to.have.length(1);
  return { cm: cms[0], dashboard: JSON.parse(cms[0].data["meshmart-red.json"]) };
}

function grafanaValues(r: StackRun): any {
  const kps = ofType(r, RELEASE).find((x) => reveal(x.inputs).chart === "kube-prometheus-stack")!;
  return reveal(kps.inputs.values).grafana;
}

describe("the dashboard and Grafana per stack", function () {
  this.timeout(180_000);
  let runs: Awaited<ReturnType<typeof allRuns>>;
  before(async () => {
    runs = await allRuns();
  });

  for (const [variant, meshPanels] of [
    ["dev", []],
    ["istio", ISTIO_PANELS],
    ["linkerd", LINKERD_PANELS],
  ] as const) {
    it(`${variant}: the panels whose metrics exist in the stack, every one filtered by the namespace and service variables`, () => {
      const { dashboard } = dashboardOf(runs[variant]);
      const panels = dashboard.panels.filter((p: any) => p.type !== "row");
      expect(panels.map((p: any) => p.title).sort()).to.deep.equal([...COMMON_PANELS, ...meshPanels].sort());
      for (const p of panels) {
        expect(p.datasource, p.title).to.deep.equal({ type: "prometheus", uid: "prometheus" });
        for (const t of p.targets) {
          expect(t.expr, p.title).to.match(/namespace=~"\$namespace"/);
          if (!p.title.startsWith("Redis")) expect(t.expr, p.title).to.contain("$service");
          if (t.expr.includes("http_request")) expect(t.expr, p.title).to.contain('route!~"/healthz|/readyz|/metrics"');
        }
      }
      const vars = dashboard.templating.list.map((v: any) => ({ name: v.name, type: v.type, query: v.query.query, includeAll: v.includeAll }));
      expect(vars).to.deep.equal([
        { name: "namespace", type: "query", query: "label_values(http_requests_total, namespace)", includeAll: false },
        { name: "service", type: "query", query: 'label_values(http_requests_total{namespace=~"$namespace"}, service)', includeAll: true },
      ]);
      expect(dashboard.templating.list[0].current.value).to.equal("meshmart");
    });

    it(`${variant}: the dashboard in the "meshmart" folder, Prometheus the default datasource, our dashboard the home one`, () => {
      const { cm } = dashboardOf(runs[variant]);
      const grafana = grafanaValues(runs[variant]);
      // k8s-sidecar 2.10.1 src/resources.py: files go under <folder>/<annotation value>/ (a relative value)
      expect(cm.metadata.annotations).to.deep.equal({ [grafana.sidecar.dashboards.folderAnnotation]: "meshmart" });
      expect(grafana.sidecar.dashboards).to.deep.include({ folder: "/tmp/dashboards", provider: { foldersFromFilesStructure: true } });
      expect(grafana.sidecar.datasources).to.deep.equal({ enabled: true, defaultDatasourceEnabled: true, isDefaultDatasource: true });
      expect(grafana["grafana.ini"]).to.deep.equal({ dashboards: { default_home_dashboard_path: "/tmp/dashboards/meshmart/meshmart-red.json" } });
      // tracing follows monitoring in these stacks: the one extra datasource is Jaeger's, and it is not the default
      expect((grafana.additionalDataSources as any[]).map((d) => [d.type, d.isDefault])).to.deep.equal([["jaeger", false]]);
    });

    it(`${variant}: Redis's exporter sidecar is scraped through the redis-metrics Service`, () => {
      const r = runs[variant];
      const svc = objects(r, "Service").find((s) => s.metadata.name === "redis-metrics");
      expect(svc.spec.ports).to.deep.equal([{ name: "metrics", port: 9121, targetPort: "metrics", protocol: "TCP", appProtocol: "http" }]);
      const [redis] = objects(r, "StatefulSet");
      const exporter = redis.spec.template.spec.containers.find((c: any) => c.name === "exporter");
      expect(exporter.ports).to.deep.equal([{ name: "metrics", containerPort: 9121, protocol: "TCP" }]);
      expect(exporter.args).to.include.members(["--redis.user=exporter", "--config-command=-", "--disable-scrape-endpoint"]);
      expect(exporter.env).to.deep.equal([{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis", key: "exporter-password" } } }]);
      const monitor = objects(r, "ServiceMonitor").find((m) => m.metadata.name === "redis-exporter");
      // the exporter's Service is the metrics component of Redis, and the monitor selects it by that
      expect(svc.metadata.labels).to.deep.include({ app: "redis", "app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "metrics" });
      expect(monitor.spec.selector.matchLabels).to.deep.equal({ app: "redis", "app.kubernetes.io/component": "metrics" });
      expect(monitor.spec.endpoints[0]).to.deep.include({ port: "metrics", path: "/metrics", honorLabels: true });
      // through the mesh as the services' scrapes are (Istio: STRICT mTLS with Prometheus's certificate)
      const gateway = objects(r, "ServiceMonitor").find((m) => m.metadata.name === "gateway");
      expect(monitor.spec.endpoints[0].scheme).to.equal(gateway.spec.endpoints[0].scheme);
      expect(monitor.spec.endpoints[0].tlsConfig).to.deep.equal(gateway.spec.endpoints[0].tlsConfig);
    });
  }

  it("linkerd: the canary row reads the payment pods' inbound proxies by deployment, naming only upstream's metrics and labels, and no probe or scrape", () => {
    const { dashboard } = dashboardOf(runs.linkerd);
    const panels = dashboard.panels.filter((p: any) => LINKERD_PANELS.includes(p.title));
    expect(panels).to.have.length(3);
    for (const p of panels) {
      for (const t of p.targets) {
        const { metrics, labels } = referencedNames(t.expr);
        expect(metrics.every((m) => m in CLUSTER_ONLY_SERIES), `${p.title}: ${metrics}`).to.equal(true);
        const known = new Set(metrics.flatMap((m) => CLUSTER_ONLY_SERIES[m] ?? []));
        expect(labels.filter((l) => !known.has(l)), p.title).to.deep.equal([]);
        expect(t.expr, p.title).to.contain('direction="inbound"');
        expect(t.expr, p.title).to.contain('app="payment"');
        // payment's probe and /metrics routes (the linkerd stack's own route names) are not traffic
        expect(t.expr, p.title).to.contain('route_name!~"payment-(metrics|probes)"');
        expect(t.legendFormat, p.title).to.equal("{{deployment}}");
      }
    }
    const [failure] = panels.find((p: any) => p.title.includes("failure")).targets;
    // reads 0, not "No data", when nothing fails
    expect(failure.expr).to.match(/classification="failure"\}\[1m\]\)\) or .+ \* 0\)/);
    const [p99] = panels.find((p: any) => p.title.includes("p99")).targets;
    expect(p99.expr).to.match(/^histogram_quantile\(0\.99, sum by \(deployment, le\) \(rate\(response_latency_ms_bucket\{/);
    // the route names the query excludes exist on payment's Server in this stack
    const routes = objects(runs.linkerd, "HTTPRoute").map((h) => h.metadata.name);
    expect(routes).to.include.members(["payment-metrics", "payment-probes"]);
  });

  it("an external Redis: no exporter, no monitor (the managed service's own metrics are its operator's)", () => {
    const r = runs.devExternalRedis;
    expect(objects(r, "ServiceMonitor").filter((m) => m.metadata.name === "redis-exporter")).to.deep.equal([]);
    expect(objects(r, "Service").filter((s) => s.metadata.name === "redis-metrics")).to.deep.equal([]);
  });
});
