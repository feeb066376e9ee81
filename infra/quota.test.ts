import { expect } from "chai";
import { addResources, formatCpu, formatMemory, parseQuantity, quotaFor } from "./quota";

describe("namespace quota (infra/quota.ts)", () => {
  it("parses Kubernetes quantities", () => {
    expect(parseQuantity("250m")).to.equal(0.25);
    expect(parseQuantity("2")).to.equal(2);
    expect(parseQuantity("64Mi")).to.equal(64 * 2 ** 20);
    expect(parseQuantity("1Gi")).to.equal(2 ** 30);
    expect(parseQuantity("1G")).to.equal(1e9);
    expect(parseQuantity("1.25Gi")).to.equal(1.25 * 2 ** 30);
    expect(parseQuantity("0.5")).to.equal(0.5);
    expect(() => parseQuantity("lots")).to.throw("not a Kubernetes quantity");
    // A quantity is the whole string: nothing before the number, nothing after the suffix.
    for (const q of ["64Mix", "x64Mi", "1.5 G", "-1"]) expect(() => parseQuantity(q), q).to.throw(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
  });
  it("formats CPU in millicores and memory in Mi, rounding up", () => {
    expect(formatCpu(1.2)).to.equal("1200m");
    expect(formatMemory(2 ** 20 + 1)).to.equal("2Mi");
  });
  it("adds a sidecar to a pod", () => {
    const sum = addResources(
      { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } },
    );
    expect(sum).to.deep.equal({ requests: { cpu: "150m", memory: "192Mi" }, limits: { cpu: "2500m", memory: "1280Mi" } });
  });
  it("sums every budget", () => {
    const r = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
    expect(quotaFor([{ count: 11, resources: r }, { count: 1, resources: r }])).to.deep.include({
      pods: "12",
      "requests.cpu": "600m",
      "requests.memory": "768Mi",
      "limits.cpu": "6000m",
      "limits.memory": "3072Mi",
      "services.loadbalancers": "0",
    });
  });
});
