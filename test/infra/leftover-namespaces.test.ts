/**
 * `pulumi destroy` leaves nothing behind: the cluster checks' leftovers
 * check (scripts/cluster-checks/leftovers.ts) waits until none of the
 * program's namespaces exists any more. It can only see the namespaces it is
 * told about, so every namespace any run creates — a Namespace object, or a
 * Helm release's createNamespace — must be in its list.
 */
import { expect } from "chai";
import { PROGRAM_NAMESPACES } from "../../scripts/cluster-checks/leftovers";
import { allRuns, objects, ofType, reveal, VARIANTS, type StackRun, type Variant } from "./support/stacks";

/** The namespaces a run creates: its Namespace objects and the namespaces its Helm releases create. */
function createdNamespaces(run: StackRun): string[] {
  const declared = objects(run, "Namespace").map((ns) => ns.metadata.name as string);
  const byReleases = ofType(run, "kubernetes:helm.sh/v3:Release")
    .map((r) => reveal(r.inputs))
    .filter((inputs) => inputs.createNamespace === true)
    .map((inputs) => inputs.namespace as string);
  return [...new Set([...declared, ...byReleases])].sort();
}

describe("destroy: the leftovers check knows every namespace the program creates", function () {
  this.timeout(300_000);

  for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
    it(`run ${variant}`, async () => {
      const run = (await allRuns())[variant];
      const created = createdNamespaces(run);
      // the shop's namespace, the monitoring namespace and one per mesh at least
      expect(created.length, created.join(", ")).to.be.greaterThan(1);
      expect(created.filter((ns) => !PROGRAM_NAMESPACES.includes(ns)), "namespaces the leftovers check would not wait for").to.deep.equal([]);
    });
  }
});
