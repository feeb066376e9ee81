/**
 * meshmart:kiali under mocks (the istioFlagger variant turns it on): the
 * pinned kiali-server release, read-only, in its own restricted namespace
 * that admits nobody; its sources (the stack's Prometheus, Jaeger's query
 * API over HTTP, Istio's root namespace) as upstream names them; and the
 * tracing namespace admitting Kiali's pods (by the chart's own labels) on
 * the query port only. Without kiali nothing of it exists.
 */
import { expect } from "chai";
import { CHART_PINS, JAEGER_CHART_OBJECTS, KIALI_UPSTREAM, KPS_PROMETHEUS_CR } from "./fixtures/upstream";
import { allowed, type Pod } from "./support/netpol";
import { objects, ofType, reveal, run, type StackRun } from "./support/stacks";

const kialiRelease = (r: StackRun) => ofType(r, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === CHART_PINS.kiali.chart);

describe("Kiali in the istio stack (meshmart:kiali)", function () {
  this.timeout(180_000);
  let r: StackRun;
  before(async () => {
    r = await run("istioFlagger");
    expect(r.errors).to.deep.equal([]);
  });

  it("installs the pinned kiali-server chart in its own namespace, enforcing restricted and admitting no connection", () => {
    const rel = reveal(kialiRelease(r)!.inputs);
    expect({ chart: rel.chart, version: rel.version, repo: rel.repositoryOpts.repo }).to.deep.equal(CHART_PINS.kiali);
    expect(rel.namespace).to.equal("kiali");
    expect(objects(r, "Namespace").find((n) => n.metadata.name === "kiali").metadata.labels).to.include({ "pod-security.kubernetes.io/enforce": "restricted" });
    // The chart's NetworkPolicy (its ports open to every pod) is off; the namespace's own denies all inbound.
    expect(rel.values.deployment.network_policy).to.deep.equal({ enabled: false });
    expect(objects(r, "NetworkPolicy").filter((p) => p.metadata.namespace === "kiali").map((p) => p.spec)).to.deep.equal([{ podSelector: {}, policyTypes: ["Ingress"] }]);
  });

  it("is read-only and asks for a token", () => {
    const values = reveal(kialiRelease(r)!.inputs).values;
    expect(values.deployment.view_only_mode).to.equal(true);
    expect(values.auth).to.deep.equal({ strategy: "token" });
  });

  it("reads the stack's Prometheus, Jaeger's query API over HTTP, and Istio's root namespace", () => {
    const services = reveal(kialiRelease(r)!.inputs).values.external_services;
    expect(services.prometheus).to.deep.equal({ url: `http://${KPS_PROMETHEUS_CR}.monitoring.svc.cluster.local:9090` });
    expect(KIALI_UPSTREAM.tracingProviders).to.include(services.tracing.provider);
    expect(services.tracing).to.deep.equal({
      enabled: true,
      provider: "jaeger",
      internal_url: `http://${JAEGER_CHART_OBJECTS.service}.tracing.svc.cluster.local:${JAEGER_CHART_OBJECTS.ports.query}`,
      // Kiali's default is gRPC on a port the program's Jaeger does not serve.
      use_grpc: false,
    });
    expect(services.istio).to.deep.equal({ root_namespace: "istio-system" });
    expect(services.grafana).to.deep.equal({ enabled: false });
  });

  it("is admitted by the tracing namespace on Jaeger's query port only, by the labels the chart gives its pods", () => {
    const policies = objects(r, "NetworkPolicy");
    const jaeger: Pod = { name: "jaeger", namespace: "tracing", labels: { ...JAEGER_CHART_OBJECTS.podLabels } };
    const kiali: Pod = { name: "kiali-x", namespace: "kiali", labels: { ...KIALI_UPSTREAM.podLabels, app: "kiali" } };
    const other: Pod = { name: "other", namespace: "kiali", labels: { app: "other" } };
    expect(allowed(policies, kiali, jaeger, JAEGER_CHART_OBJECTS.ports.query)).to.equal(true);
    for (const port of [JAEGER_CHART_OBJECTS.ports.otlpGrpc, JAEGER_CHART_OBJECTS.ports.otlpHttp]) expect(allowed(policies, kiali, jaeger, port), String(port)).to.equal(false);
    expect(allowed(policies, other, jaeger, JAEGER_CHART_OBJECTS.ports.query)).to.equal(false);
    // Only Jaeger's pods: another pod in the tracing namespace is not opened to Kiali.
    const neighbour: Pod = { name: "neighbour", namespace: "tracing", labels: { app: "neighbour" } };
    expect(allowed(policies, kiali, neighbour, JAEGER_CHART_OBJECTS.ports.query)).to.equal(false);
  });

  it("is absent, with its tracing policy, unless turned on", async () => {
    const istio = await run("istio");
    expect(kialiRelease(istio)).to.equal(undefined);
    expect(objects(istio, "NetworkPolicy").map((p) => p.metadata.name)).to.not.include("query-from-kiali");
    expect(objects(istio, "Namespace").map((n) => n.metadata.name)).to.not.include("kiali");
  });
});
