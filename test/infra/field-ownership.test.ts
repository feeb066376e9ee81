/**
 * Who owns which field once the program's objects are live. With server-side
 * apply, a field the program declares is the program's: a controller that
 * writes it too either conflicts with the next `pulumi up` or is reset by it.
 */
import { expect } from "chai";
import { allRuns, objects, type StackRun } from "./support/stacks";

describe("field ownership", function () {
  this.timeout(180_000);
  let runs: Record<string, StackRun>;
  before(async () => {
    runs = await allRuns();
  });

  it("a Deployment under an HPA leaves spec.replicas to the HPA, in every stack", () => {
    let scaled = 0;
    for (const [variant, r] of Object.entries(runs)) {
      if (r.errors.length) continue; // the bad-config variant declares nothing
      const hpas = objects(r, "HorizontalPodAutoscaler");
      expect(hpas.length, variant).to.be.greaterThan(0);
      for (const hpa of hpas) {
        const target = objects(r, "Deployment").find((d) => d.metadata.name === hpa.spec.scaleTargetRef.name);
        expect(target, `${variant}: ${hpa.metadata.name}'s target`).to.not.equal(undefined);
        expect(target.spec, `${variant}: ${target.metadata.name}`).to.not.have.property("replicas");
        scaled++;
      }
    }
    expect(scaled).to.be.greaterThan(20);
  });
});
