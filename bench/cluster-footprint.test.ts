import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseQuantity } from "../infra/quota";
import { objects, run } from "../test/infra/support/stacks";
import { clusterFootprint } from "./cluster-footprint";
import { footprintTable, readmeSentence } from "./footprint-markdown";

const ROOT = join(__dirname, "..");

/** Requests of the shop's namespace at rest, derived here from the declared objects alone: each Deployment's containers × its HPA minimum, plus each StatefulSet's containers × its replicas. */
function shopAtRest(run: Parameters<typeof objects>[0], namespace: string): { pods: number; cpu: number; memory: number } {
  const hpas = objects(run, "HorizontalPodAutoscaler");
  let pods = 0;
  let cpu = 0;
  let memory = 0;
  const add = (count: number, containers: any[]) => {
    pods += count;
    for (const c of containers) {
      cpu += count * parseQuantity(c.resources.requests.cpu);
      memory += count * parseQuantity(c.resources.requests.memory);
    }
  };
  for (const d of objects(run, "Deployment").filter((x) => x.metadata.namespace === namespace)) {
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === "Deployment" && h.spec.scaleTargetRef.name === d.metadata.name);
    expect(hpa, `an HPA for ${d.metadata.name}`).to.exist;
    add(hpa.spec.minReplicas, d.spec.template.spec.containers);
  }
  const statefulSets = objects(run, "StatefulSet").filter((x) => x.metadata.namespace === namespace);
  expect(statefulSets.map((s) => s.metadata.name)).to.include("redis");
  for (const s of statefulSets) add(s.spec.replicas, s.spec.template.spec.containers);
  return { pods, cpu, memory };
}

describe("bench: the cluster footprint of each stack", function () {
  this.timeout(600_000);

  it("dev: the shop at rest is every Deployment's containers at its HPA minimum plus Redis with its exporter, no proxy", async () => {
    const dev = await run("dev");
    const footprint = clusterFootprint(dev.resources);
    const expected = shopAtRest(dev, "meshmart");
    expect(footprint.shopNamespace).to.equal("meshmart");
    expect(footprint.shop.atMin.pods).to.equal(expected.pods);
    expect(footprint.shop.atMin.cpuRequest).to.be.closeTo(expected.cpu, 1e-9);
    expect(footprint.shop.atMin.memoryRequest).to.equal(expected.memory);
    expect(footprint.rows.filter((r) => r.proxy), "no mesh, no proxy").to.be.empty;
  });

  it("istio: every shop pod carries the sidecar at the resources istiod's values give it", async () => {
    const istio = await run("istio");
    const footprint = clusterFootprint(istio.resources);
    const expected = shopAtRest(istio, "meshmart");
    const istiod = objects(istio, "Release").find((r) => r.chart === "istiod");
    const proxy = istiod.values.global.proxy.resources;
    expect(footprint.shop.atMin.memoryRequest).to.equal(expected.memory + expected.pods * parseQuantity(proxy.requests.memory));
    expect(footprint.shop.atMin.cpuRequest).to.be.closeTo(expected.cpu + expected.pods * parseQuantity(proxy.requests.cpu), 1e-9);
  });

  it("README's sentence and RESULTS.md's dev table carry the figures computed from the program", async () => {
    const dev = clusterFootprint((await run("dev")).resources);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8").replace(/\s+/g, " ");
    expect(readme).to.include(readmeSentence(dev));
    const results = readFileSync(join(ROOT, "bench/RESULTS.md"), "utf8");
    const totals = footprintTable("dev", dev).filter((line) => line.startsWith("| the shop"));
    expect(totals).to.have.length(2);
    for (const line of totals) expect(results, "rerun npm run bench:footprint").to.include(line);
  });
});
