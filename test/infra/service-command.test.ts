/**
 * Every service's container runs node with the flags the bench measured
 * (services/node-flags.ts): stated in the Deployment's command, as the
 * image's ENTRYPOINT states it (test/images/dockerfile.test.ts), so a pod runs
 * V8 as the bench did whatever its memory limit (V8 sizes its young
 * generation from the limit it sees when nothing says otherwise).
 */
import { expect } from "chai";
import { LOAD_GENERATOR } from "../../infra/authz/graph";
import { allRuns, objects, VARIANTS, type Variant } from "./support/stacks";

describe("every service container's command: node with the shipped flags", function () {
  this.timeout(180_000);

  for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
    it(`run ${variant}`, async () => {
      const deployments = objects((await allRuns())[variant], "Deployment").filter((d) => d.metadata.name !== LOAD_GENERATOR);
      expect(deployments).to.not.be.empty;
      for (const d of deployments) {
        expect(d.spec.template.spec.containers.map((c: { command?: string[] }) => c.command), d.metadata.name).to.deep.equal([
          ["node", "--max-semi-space-size=2", "/app/services/main.mjs"],
        ]);
      }
    });
  }
});
