/**
 * The pack over each stack's `pulumi preview` (isPreview true, as the CI
 * workflow runs it on a fresh stack): what providers compute is unknown, so
 * are the shop's namespace (it waits for the Namespace, quota and limits'
 * ids) and the service images (the builds' digests). No mandatory violation;
 * a policy that must read an unknown value gets the engine's advisory
 * "can't run policy … during preview"; the namespace-scoped policies still
 * run (an object whose namespace is unknown is held to the shop's rules).
 */
import { expect } from "chai";
import { MESHMART_POLICIES } from "../../policy/all-policies";
import { previewRuns, type Preview } from "../infra/support/stacks";
import { evaluate, mandatory } from "./support/policy-harness";
import { stackPolicyConfig } from "./support/stack-policy-config";

const PREVIEWS: Preview[] = ["devPreview", "istioPreview", "linkerdPreview"];

describe("policy pack on the stacks' previews (unknowns inside, no engine)", function () {
  this.timeout(240_000);

  for (const p of PREVIEWS) {
    it(`${p}: no mandatory violation; unknown reads are advisory; the shop's policies still run`, async () => {
      const r = (await previewRuns())[p];
      expect(r.errors).to.deep.equal([]);
      expect(r.preview).to.equal(true);
      const e = await evaluate(MESHMART_POLICIES, r.resources, stackPolicyConfig(r.config), { preview: true });
      expect(mandatory(e).map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
      const cannot = e.violations.filter((v) => /^can't run policy '[a-z-]+' during preview: .* value at \.\S+ can't be known during preview$/.test(v.message));
      expect(cannot.length, "the services' image digests are unknown in a preview").to.be.greaterThan(0);
      for (const name of ["deployment-probes", "deployment-disruption-budget", "deployment-autoscaling", "network-default-deny", "namespace-pod-security"]) {
        expect(e.applicable.get(name), name).to.be.greaterThan(0);
      }
    });
  }

  it("devPreview: a Deployment without a PDB is still refused in a preview, though its namespace is unknown", async () => {
    const r = (await previewRuns()).devPreview;
    const broken = r.resources.filter((x) => !(x.type === "kubernetes:policy/v1:PodDisruptionBudget" && x.inputs?.metadata?.name === "users"));
    expect(broken.length).to.equal(r.resources.length - 1);
    const e = await evaluate(MESHMART_POLICIES, broken, stackPolicyConfig(r.config), { preview: true });
    expect(mandatory(e).map((v) => v.message).join("\n")).to.match(/Deployment .*users .* no PodDisruptionBudget/);
  });
});
