/**
 * When the mesh report counts a stack as up: every Deployment and StatefulSet
 * with all its replicas updated and ready, every DaemonSet ready and updated
 * on every node it is scheduled on, each status observed for the current
 * generation (the apps/v1 status fields, as `kubectl rollout status` reads them).
 */
import { expect } from "chai";
import { notReady } from "../../scripts/mesh-report/pulumi-cluster";

describe("mesh report: a workload's readiness", () => {
  it("a Deployment or StatefulSet: every replica updated and ready, for the current generation", () => {
    const d = (status: object, replicas = 2, generation = 3) => ({ kind: "Deployment", metadata: { name: "cart", generation }, spec: { replicas }, status });
    expect(notReady(d({ observedGeneration: 3, readyReplicas: 2, updatedReplicas: 2 }))).to.equal(undefined);
    expect(notReady(d({ observedGeneration: 3, readyReplicas: 1, updatedReplicas: 2 }))).to.equal("Deployment/cart: 1/2 ready, 2/2 updated");
    expect(notReady(d({ observedGeneration: 3, readyReplicas: 2, updatedReplicas: 1 }))).to.equal("Deployment/cart: 2/2 ready, 1/2 updated");
    expect(notReady(d({ observedGeneration: 2, readyReplicas: 2, updatedReplicas: 2 }))).to.equal("Deployment/cart: not observed yet");
    expect(notReady({ kind: "StatefulSet", metadata: { name: "redis", generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1 } })).to.equal("StatefulSet/redis: 0/1 ready, 0/1 updated");
  });

  it("a DaemonSet: ready and updated on every node it is scheduled on", () => {
    const ds = (status: object) => ({ kind: "DaemonSet", metadata: { name: "istio-cni-node", generation: 1 }, status: { observedGeneration: 1, ...status } });
    expect(notReady(ds({ desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3 }))).to.equal(undefined);
    expect(notReady(ds({ desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3 }))).to.equal("DaemonSet/istio-cni-node: 2/3 ready, 3/3 updated");
  });
});
