/**
 * payment's canary under mocks. dev (no mesh): cart splits payments per
 * request, so it gets payment-v1's and payment-v2's Services and the weight,
 * and both payment tracks autoscale from a small footprint at rest. The mesh
 * stacks: the mesh splits (or Flagger steps its weights), cart calls PAYMENT_URL only.
 */
import { expect } from "chai";
import { ENV } from "../../services/topology";
import { objects, run, type StackRun } from "./support/stacks";

const deployment = (r: StackRun, name: string) => objects(r, "Deployment").find((d) => d.metadata.name === name);
const envOf = (d: any): Record<string, unknown> => Object.fromEntries((d.spec.template.spec.containers[0].env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const hpaOf = (r: StackRun, target: string) => objects(r, "HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === target);
/** Pods a Deployment runs at rest: its HPA's minimum (the HPA owns the count), else its replicas. */
const atRest = (r: StackRun, name: string) => hpaOf(r, name)?.spec.minReplicas ?? deployment(r, name).spec.replicas;
const CANARY_VARS = [ENV.paymentV1Url, ENV.paymentV2Url, ENV.paymentCanaryWeight];

describe("payment's canary in the three stacks (under mocks)", function () {
  this.timeout(180_000);

  it("dev: cart gets payment-v1's and payment-v2's Services and the weight, besides PAYMENT_URL", async () => {
    const cart = envOf(deployment(await run("dev"), "cart"));
    expect(cart[ENV.paymentV1Url]).to.equal("http://payment-v1.meshmart.svc.cluster.local:5003");
    expect(cart[ENV.paymentV2Url]).to.equal("http://payment-v2.meshmart.svc.cluster.local:5003");
    expect(cart[ENV.paymentCanaryWeight]).to.equal("5");
    expect(cart.PAYMENT_URL).to.equal("http://payment.meshmart.svc.cluster.local:5003");
    expect(envOf(deployment(await run("devCloud"), "cart"))[ENV.paymentCanaryWeight], "from meshmart:canaryWeight").to.equal("50");
  });

  it("dev: the Services cart names exist and select one version each", async () => {
    const services = objects(await run("dev"), "Service");
    for (const v of ["v1", "v2"]) expect(services.find((s) => s.metadata.name === `payment-${v}`)?.spec.selector).to.deep.equal({ app: "payment", version: v });
  });

  it("dev: no other Deployment gets them", async () => {
    const r = await run("dev");
    for (const d of objects(r, "Deployment").filter((d) => d.metadata.name !== "cart")) expect(envOf(d), d.metadata.name).not.to.have.any.keys(...CANARY_VARS);
  });

  for (const stack of ["istio", "linkerd", "istioCanary", "linkerdCanary", "istioFlagger", "linkerdFlagger"] as const) {
    it(`${stack}: cart has none of them (the mesh splits)`, async () => {
      const r = await run(stack);
      for (const d of objects(r, "Deployment")) expect(envOf(d), d.metadata.name).not.to.have.any.keys(...CANARY_VARS);
    });
  }

  it("dev: at most 3 payment pods at rest (v1 2, v2 1), both tracks under an HPA at 70% CPU", async () => {
    for (const variant of ["dev", "devCloud"] as const) {
      const r = await run(variant);
      expect(atRest(r, "payment-v1") + atRest(r, "payment-v2"), variant).to.be.at.most(3);
      for (const [name, min] of [["payment-v1", 2], ["payment-v2", 1]] as const) {
        const hpa = hpaOf(r, name);
        expect(hpa, `${variant} ${name} has an HPA`).to.not.equal(undefined);
        expect(hpa.spec).to.deep.include({ minReplicas: min, maxReplicas: 10 });
        expect(hpa.spec.metrics[0].resource.target.averageUtilization).to.equal(70);
        expect(deployment(r, name).spec.replicas, `${name}: the HPA's count or none (the HPA owns it)`).to.be.oneOf([undefined, min]);
      }
    }
  });
});
