/**
 * Every variant, not only the three stack files (stacks.test.ts): each
 * Kubernetes object goes through the program's one provider `k8s` (the
 * cluster meshmart:kubeconfig and kubeContext name), never Pulumi's default
 * provider, which would aim at whatever cluster the machine's kubeconfig
 * points to. The Gateway API edge and Flagger's rollout are built only in
 * variants; a component of theirs declared without the provider passed before.
 */
import { expect } from "chai";
import { allRuns, VARIANTS, type Variant } from "./support/stacks";

/** Pulumi's URN of a provider resource: urn:pulumi:<stack>::<project>::pulumi:providers:<package>::<name>, then ::<id>. */
const k8sProvider = (stack: string) => `urn:pulumi:${stack}::meshmart::pulumi:providers:kubernetes::k8s::`;

describe("every variant declares its Kubernetes objects through the explicit provider", function () {
  this.timeout(600_000);

  for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
    it(variant, async () => {
      const r = (await allRuns())[variant];
      const k8s = r.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"));
      expect(k8s.length).to.be.greaterThan(60);
      const elsewhere = k8s.filter((x) => !x.provider.startsWith(k8sProvider(VARIANTS[variant].stack))).map((x) => `${x.urn} → ${x.provider || "(default)"}`);
      expect(elsewhere).to.deep.equal([]);
    });
  }
});
