import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MESH_RELEASES } from "./fixtures/upstream";

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
});
