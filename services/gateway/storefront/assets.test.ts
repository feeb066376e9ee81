import { expect } from "chai";
import { buildStorefrontAssets } from "../../../scripts/storefront-assets.mjs";
import { storefrontAssets } from "../../../test/support/test-storefront";
import { ASSET_CACHE_CONTROL, createStorefront, PAGE_CACHE_CONTROL } from "./assets";

describe("storefront assets", () => {
  it("are built deterministically: the same sources give the same hashed names", async () => {
    const [first, second] = [await storefrontAssets(), await buildStorefrontAssets()];
    expect(second.map((asset) => asset.file)).to.deep.equal(first.map((asset) => asset.file));
    expect(first.map((asset) => asset.name)).to.deep.equal(["app.js", "favicon.svg", "styles.css"]);
  });

  it("stay small without a framework: the script under 32 KB and the styles under 16 KB, minified", async () => {
    const built = await storefrontAssets();
    const size = (name: string) => Buffer.byteLength(built.find((asset) => asset.name === name)!.body);
    expect(size("app.js")).to.be.below(32 * 1024);
    expect(size("styles.css")).to.be.below(16 * 1024);
  });

  it("the client never writes HTML strings (no innerHTML, eval or document.write in the bundle)", async () => {
    const script = (await storefrontAssets()).find((asset) => asset.name === "app.js")!.body;
    expect(script).not.to.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  });

  it("the storefront serves the page and every asset under its hashed name", async () => {
    const built = await storefrontAssets();
    const storefront = createStorefront(built);
    expect([...storefront.assets.keys()].sort()).to.deep.equal(built.map((asset) => asset.file).sort());
    for (const asset of built) {
      expect(storefront.page.body).to.include(`/assets/${asset.file}`);
      expect(storefront.assets.get(asset.file)).to.include({ body: asset.body, type: asset.type, etag: `"${asset.hash}"`, cacheControl: ASSET_CACHE_CONTROL });
    }
    expect(storefront.page.cacheControl).to.equal(PAGE_CACHE_CONTROL);
  });

  it("refuses to start without an asset the page needs, saying which", async () => {
    const built = (await storefrontAssets()).filter((asset) => asset.name !== "styles.css");
    expect(() => createStorefront(built)).to.throw(/needs styles\.css/);
  });
});
