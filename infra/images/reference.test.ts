import { expect } from "chai";
import { deployedReference, imageName } from "./reference";

describe("image references (infra/images/reference.ts)", () => {
  it("names images <registry>/<repository>/<service>:<tag>", () => {
    expect(imageName({ registryServer: "localhost:5001", repository: "meshmart", service: "cart", tag: "1.2" })).to.equal("localhost:5001/meshmart/cart:1.2");
  });
  it("runs the digest when pushed and the tag when local", () => {
    const digest = `localhost:5001/meshmart/cart@sha256:${"a".repeat(64)}`;
    expect(deployedReference({ push: true, imageName: "localhost:5001/meshmart/cart:1.2", repoDigest: digest })).to.equal(digest);
    expect(deployedReference({ push: false, imageName: "localhost:5001/meshmart/cart:1.2", repoDigest: `sha256:${"b".repeat(64)}` })).to.equal(
      "localhost:5001/meshmart/cart:1.2",
    );
  });
  it("refuses a pushed image without a digest (the Deployment would not roll)", () => {
    expect(() => deployedReference({ push: true, imageName: "r/cart:1", repoDigest: "" })).to.throw("expected a pushed digest reference for r/cart:1");
  });
});
