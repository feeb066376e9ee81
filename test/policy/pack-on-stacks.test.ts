/**
 * The pack over what the program itself declares, for every stack and
 * variant: no mandatory violation. Each policy must have run somewhere
 * (a pass where every policy was not applicable would mean nothing), and
 * the mesh policies run exactly in their mesh's stacks.
 */
import { expect } from "chai";
import { MESHMART_POLICIES } from "../../policy/all-policies";
import { run, VARIANTS, type Variant } from "../infra/support/stacks";
import { evaluate, mandatory } from "./support/policy-harness";
import { stackPolicyConfig } from "./support/stack-policy-config";

const STACKS = (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh");

async function evaluateVariant(v: Variant) {
  const r = await run(v);
  expect(r.errors, `${v} ran`).to.deep.equal([]);
  return evaluate(MESHMART_POLICIES, r.resources, stackPolicyConfig(r.config));
}

describe("policy pack on the program's own stacks (no engine)", function () {
  this.timeout(240_000);

  for (const v of STACKS) {
    it(`${v}: no mandatory violation`, async () => {
      const e = await evaluateVariant(v);
      expect(mandatory(e).map((x) => `${x.policy}: ${x.message}`)).to.deep.equal([]);
    });
  }

  for (const v of ["dev", "istio", "linkerd"] as const) {
    it(`${v}: every policy ran on something (mesh policies only in their mesh)`, async () => {
      const e = await evaluateVariant(v);
      const ran = [...e.applicable].filter(([, n]) => n > 0).map(([name]) => name);
      const meshOnly = { istio: "istio-default-deny", linkerd: "linkerd-default-deny" } as const;
      const expected = MESHMART_POLICIES.map((p) => p.name).filter((n) => n !== meshOnly.istio && n !== meshOnly.linkerd);
      if (v !== "dev") expected.push(meshOnly[v]);
      expect(ran.sort()).to.deep.equal(expected.sort());
    });
  }

  it("dev: every workload, container and Namespace is looked at (counts from the run itself)", async () => {
    const r = await run("dev");
    const e = await evaluateVariant("dev");
    const workloads = r.resources.filter((x) => /^kubernetes:(apps|batch|core)\/v1:(Deployment|StatefulSet|DaemonSet|Job|CronJob|Pod)$/.test(x.type)).length;
    const namespaces = r.resources.filter((x) => x.type === "kubernetes:core/v1:Namespace").length;
    expect(workloads).to.be.greaterThan(0);
    expect(e.applicable.get("container-hardening")).to.equal(workloads);
    expect(e.applicable.get("image-by-digest")).to.equal(workloads);
    expect(e.applicable.get("namespace-pod-security")).to.equal(namespaces);
    expect(e.applicable.get("deployment-probes")).to.equal(r.resources.filter((x) => x.type === "kubernetes:apps/v1:Deployment").length);
  });

  it("devLocal (images by tag, no registry): image-by-digest is advisory there and names exactly the locally built service images", async () => {
    const r = await run("devLocal");
    const e = await evaluateVariant("devLocal");
    const advisory = e.violations.filter((x) => x.policy === "image-by-digest");
    expect(advisory.map((x) => x.level)).to.satisfy((ls: string[]) => ls.every((l) => l === "advisory"));
    const deployments = r.resources.filter((x) => x.type === "kubernetes:apps/v1:Deployment").map((x) => x.urn);
    expect(advisory.map((x) => x.urn).sort()).to.deep.equal(deployments.sort());
    // Without the stack's config the same finding is mandatory: the config is what lets a registry-less cluster through.
    const strict = await evaluate(MESHMART_POLICIES, r.resources, {});
    expect(mandatory(strict).filter((x) => x.policy === "image-by-digest")).to.have.length(deployments.length);
  });

  it("devCloud (ingressServiceType LoadBalancer): allowed by the config, refused without it", async () => {
    const r = await run("devCloud");
    const strict = await evaluate(MESHMART_POLICIES, r.resources, {});
    const lb = mandatory(strict).filter((x) => x.policy === "no-load-balancer");
    expect(lb).to.have.length.greaterThan(0);
    expect(lb[0]!.message).to.match(/LoadBalancer/).and.match(/allowLoadBalancer/);
  });

  it("linkerdCanary (the cluster brings the Gateway API CRDs): HTTPRoutes pass only with the group listed as cluster-provided", async () => {
    const r = await run("linkerdCanary");
    const strict = await evaluate(MESHMART_POLICIES, r.resources, {});
    const crd = mandatory(strict).filter((x) => x.policy === "custom-resources-after-crds");
    expect(crd).to.have.length.greaterThan(0);
    expect(crd.every((x) => /HTTPRoute .*gateway\.networking\.k8s\.io/.test(x.message))).to.equal(true);
  });
});
