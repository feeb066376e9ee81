import { expect } from "chai";
import { SERVICE_NAMES } from "../../services/topology";
import { podBudgets, workloadPlan } from "./replica-plan";
import { SERVICE_RESOURCES } from "./spec";

const args = { replicas: 2, maxReplicas: 10, targetCpuUtilization: 70 };
const atRest = (tracks: readonly { replicas: number; autoscaling?: { minReplicas: number } }[]) =>
  tracks.reduce((sum, t) => sum + (t.autoscaling?.minReplicas ?? t.replicas), 0);

describe("workloadPlan (replicas and autoscaling per track)", () => {
  it('"client" canary (dev: cart splits per request): both payment tracks autoscale, at most 3 pods at rest', () => {
    const plan = workloadPlan({ ...args, canary: "client" });
    expect(plan.payment).to.deep.equal([
      { version: "v1", replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 } },
      { version: "v2", replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 10, targetCpuUtilization: 70 } },
    ]);
    expect(atRest(plan.payment)).to.be.at.most(3);
  });

  it('"mesh" canary: both tracks at the usual bounds (the mesh splits, not the pod count)', () => {
    const plan = workloadPlan({ ...args, canary: "mesh" });
    expect(plan.payment.map((t) => [t.version, t.replicas, t.autoscaling?.minReplicas])).to.deep.equal([
      ["v1", 2, 2],
      ["v2", 2, 2],
    ]);
  });

  it("'flagger' canary: payment runs one track, Flagger's target, budgeted twice (its primary copy); the others as ever", () => {
    const plan = workloadPlan({ ...args, canary: "flagger" });
    expect(plan.payment).to.deep.equal([{ version: "v1", replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 }, flagger: true }]);
    const pods = (p: typeof plan) => podBudgets(p, SERVICE_RESOURCES).reduce((n, b) => n + b.count, 0);
    // Two payment Deployments of 10 pods and a surge each, like the mesh's v1 and v2.
    expect(pods(plan)).to.equal(pods(workloadPlan({ ...args, canary: "mesh" })));
    expect(plan.cart).to.deep.equal(workloadPlan({ ...args, canary: "mesh" }).cart);
  });

  it("every track of every service has an autoscaler, whatever the canary", () => {
    for (const canary of ["client", "mesh", "flagger"] as const) {
      const plan = workloadPlan({ ...args, canary });
      for (const name of SERVICE_NAMES) for (const t of plan[name]) expect(t.autoscaling, `${canary} ${name} ${t.version}`).to.not.equal(undefined);
    }
  });
});
