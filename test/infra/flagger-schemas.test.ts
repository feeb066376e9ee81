/**
 * The flagger.app schemas (schemas/flagger-1.44.0.json) are generated from
 * the pinned chart's CRDs by schemas/flagger-crds.ts: the file names its
 * source, and the validator rejects what the API server would prune,
 * including a field Flagger's own Go types know but its CRD does not
 * (`trafficPolicy.connectionPool.tcp`).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHART_PINS, FLAGGER_COMMIT } from "./fixtures/upstream";
import { FLAGGER_SOURCE, withoutStringFormat } from "./schemas/flagger-crds";
import { validateObject } from "./support/validators";

const file = JSON.parse(readFileSync(join(__dirname, "schemas", FLAGGER_SOURCE.file), "utf8"));

const canary = (service: Record<string, unknown>, analysis: Record<string, unknown> = { interval: "1m", threshold: 5, stepWeight: 10, maxWeight: 50 }) => ({
  apiVersion: "flagger.app/v1beta1",
  kind: "Canary",
  metadata: { name: "payment", namespace: "meshmart" },
  spec: { targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "payment" }, service: { port: 5003, ...service }, analysis },
});

describe("Flagger's schemas come from the pinned chart's CRDs", () => {
  it("name their source: fluxcd/flagger at the chart's tag, charts/flagger/crds/crd.yaml", () => {
    expect(`v${CHART_PINS.flagger.version}`).to.equal(FLAGGER_SOURCE.release);
    expect(file.source).to.deep.equal({ repo: "fluxcd/flagger", commit: FLAGGER_COMMIT, files: ["charts/flagger/crds/crd.yaml"] });
    expect(Object.keys(file.kinds).sort()).to.deep.equal(["v1beta1/Canary", "v1beta1/MetricTemplate"]);
    expect(JSON.stringify(file)).to.not.contain('"format":"string"');
  });

  it("drop the CRD's `format: string` and nothing else", () => {
    expect(withoutStringFormat({ a: { type: "string", format: "string" }, b: [{ format: "int32" }] })).to.deep.equal({ a: { type: "string" }, b: [{ format: "int32" }] });
  });

  it("accept a Canary, and reject unknown fields, a missing analysis and a bad interval", async () => {
    expect(await validateObject(canary({ trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 64 } } } }))).to.equal(undefined);
    const bad = [
      canary({ trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } } } }),
      canary({ timeOut: "2s" }),
      canary({}, { interval: "1 minute", threshold: 5, stepWeight: 10 }),
      canary({}, { interval: "1m", stepWeight: 10 }),
      { ...canary({}), spec: { service: { port: 5003 }, analysis: { interval: "1m", threshold: 5, stepWeight: 10 } } },
    ];
    for (const object of bad) expect(await validateObject(object), JSON.stringify(object.spec)).to.be.a("string");
  });

  it("reject a MetricTemplate of an unknown provider", async () => {
    const template = (type: string) => ({ apiVersion: "flagger.app/v1beta1", kind: "MetricTemplate", metadata: { name: "x", namespace: "meshmart" }, spec: { provider: { type, address: "http://p:9090" }, query: "up" } });
    expect(await validateObject(template("prometheus"))).to.equal(undefined);
    expect(await validateObject(template("prometheos"))).to.be.a("string");
  });
});
