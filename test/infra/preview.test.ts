/**
 * `pulumi preview` (what CI runs on every pull request) evaluates the program
 * with isPreview true: the image digests, generated passwords, certificates,
 * Helm release status and resource ids do not exist yet and are unknown. The
 * program must declare the same resources as in an update (nothing hidden
 * inside an apply on an unknown), and no callback may throw or reject.
 */
import { expect } from "chai";
import { isUnknown, PREVIEWS, previewRuns, reveal, run, unknownPaths, type Preview, type StackRun } from "./support/stacks";

const urns = (r: StackRun) => r.resources.map((x) => x.urn).sort();
const byName = (r: StackRun, type: string, name: string) => r.resources.find((x) => x.type === type && x.name === name);

for (const preview of Object.keys(PREVIEWS) as Preview[]) {
  const of = PREVIEWS[preview].of;
  describe(`pulumi preview of the ${of} stack (isPreview, unknown computed outputs)`, function () {
    this.timeout(180_000);
    let p: StackRun;
    let up: StackRun;
    before(async () => {
      [p, up] = await Promise.all([previewRuns().then((all) => all[preview]), run(of)]);
    });

    it("runs as a preview: the image digests are unknown, and an update has no unknown anywhere", () => {
      expect(p.preview).to.equal(true);
      expect(up.preview).to.equal(false);
      expect(Object.values(p.outputs.imageDigests).every(isUnknown), JSON.stringify(p.outputs.imageDigests)).to.equal(true);
      expect(unknownPaths(up.resources.map((x) => x.inputs))).to.deep.equal([]);
      expect(unknownPaths(up.outputs)).to.deep.equal([]);
    });

    it("declares the same resources (type, name, parent) as an update", () => {
      expect(p.resources.length).to.be.greaterThan(100);
      expect(urns(p)).to.deep.equal(urns(up));
    });

    it("no callback throws or rejects on an unknown value", () => {
      expect(p.errors).to.deep.equal([]);
    });

    it("leaves unknown exactly what depends on a computed output: images roll by digest, the Redis secret by its generated key", () => {
      const cart = reveal(byName(p, "kubernetes:apps/v1:Deployment", "shop-cart-v1")!.inputs);
      expect(isUnknown(cart.spec.template.metadata.annotations)).to.equal(true);
      expect(cart.spec.template.spec.containers.map((c: { image: unknown }) => isUnknown(c.image))).to.deep.equal([true]);
      // Static parts stay known in preview, so the diff shows them.
      expect(cart.spec.strategy).to.deep.equal({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      const checksumKey = byName(up, "random:index/randomPassword:RandomPassword", "shop-redis-checksum-key");
      expect(checksumKey, "the Redis checksum key is generated").to.not.equal(undefined);
      const redis = reveal(byName(p, "kubernetes:apps/v1:StatefulSet", "shop-redis-statefulset")!.inputs);
      expect(isUnknown(redis.spec), "the StatefulSet's spec waits for the checksum").to.equal(true);
    });
  });
}

describe("pulumi preview of the linkerd stack: certificates unknown", function () {
  this.timeout(180_000);
  it("passes the not-yet-generated trust anchor and issuer to linkerd-control-plane as unknowns", async () => {
    const p = (await previewRuns()).linkerdPreview;
    const release = p.resources.find((x) => x.type === "kubernetes:helm.sh/v3:Release" && x.inputs.chart === "linkerd-control-plane")!;
    const paths = unknownPaths(reveal(release.inputs.values));
    expect(paths).to.include.members(["identityTrustAnchorsPEM", "identity.issuer.tls.crtPEM", "identity.issuer.tls.keyPEM"]);
  });
});
