import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHART_PINS, MESH_RELEASES } from "./fixtures/upstream";

const doc = (name: string) => readFileSync(join(__dirname, "../../docs", name), "utf8");

describe("docs/meshes.md", () => {
  it("names the pinned mesh releases (upstream's, as in fixtures/upstream.ts), in both docs", () => {
    for (const name of ["meshes.md", "cluster.md"]) {
      for (const v of Object.values(MESH_RELEASES)) expect(doc(name), `${name}: ${v}`).to.contain(v);
    }
  });
  it("shows the canary, mTLS, a denied call, the canary weight and a clean switch", () => {
    const text = doc("meshes.md");
    for (const heading of ["### The canary split", "### mTLS", "### A denied call", "## Change the canary weight", "## Switch meshes cleanly"]) {
      expect(text).to.contain(heading);
    }
    expect(text).to.contain("pulumi config set canaryWeight");
    expect(text).to.contain("pulumi destroy --stack istio");
  });
  it("shows how to roll payment out with Flagger and watch it promote or roll back, at the pinned version", () => {
    const text = doc("meshes.md");
    expect(text).to.contain("## Progressive delivery with Flagger");
    expect(text).to.contain(`Flagger ${CHART_PINS.flagger.version}`);
    for (const command of ["pulumi config set canary flagger", "kubectl -n meshmart get canary payment -w", "kubectl -n meshmart describe canary payment", "kubectl -n flagger-system logs deploy/flagger"]) {
      expect(text, command).to.contain(command);
    }
  });
});
