import { expect } from "chai";
import { testKit } from "../../test/support/kit";
import { sampleValue } from "../../test/support/prometheus-text";
import { fault, seededRandom } from "../kit/faults";
import { Product, ProductList } from "../contracts/product";
import { createCatalogApp } from "./catalog-app";

describe("catalog (app.request)", () => {
  it("lists products with string ids and integer-cent prices, matching the contract", async () => {
    const app = createCatalogApp({ kit: testKit("catalog").kit });
    const response = await app.request("/products");
    expect(response.status).to.equal(200);
    const { products } = ProductList.parse(await response.json());
    expect(products.map((p) => p.id).slice(0, 3)).to.deep.equal(["1", "2", "3"]);
    for (const product of products) expect(Number.isInteger(product.price_cents)).to.equal(true);
  });

  it("gets one product, 404 for an unknown id, 400 for a malformed one", async () => {
    const app = createCatalogApp({ kit: testKit("catalog").kit });
    const one = await app.request("/products/2");
    expect(one.status).to.equal(200);
    expect(Product.parse(await one.json()).id).to.equal("2");
    const unknown = await app.request("/products/999");
    expect(unknown.status).to.equal(404);
    expect((await unknown.json()).error.code).to.equal("product_not_found");
    for (const bad of ["abc", "0", "1.0", "-3"]) {
      expect((await app.request(`/products/${bad}`)).status, bad).to.equal(400);
    }
  });

  it("fails the injected share of product requests with a JSON 500, never health, readiness or metrics", async () => {
    const { kit } = testKit("catalog");
    const app = createCatalogApp({ kit, errorRate: fault(0.3, seededRandom(1)) });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const response = await app.request(i % 2 ? "/products" : "/products/1");
      statuses.push(response.status);
      if (response.status === 500) expect((await response.json()).error.code).to.equal("injected_fault");
    }
    const failures = statuses.filter((s) => s === 500).length;
    expect(failures).to.be.within(35, 85);
    expect(statuses.every((s) => s === 200 || s === 500)).to.equal(true);
    const always = fault(1);
    const broken = createCatalogApp({ kit: testKit("catalog").kit, errorRate: always });
    expect((await broken.request("/products/1")).status).to.equal(500);
    for (const path of ["/healthz", "/readyz", "/metrics"]) expect((await broken.request(path)).status, path).to.equal(200);
    const metrics = await (await app.request("/metrics")).text();
    expect(sampleValue(metrics, "http_requests_total", { route: "/products/:id", status: "500" })).to.be.above(0);
  });

  it("never injects faults unless a rate is set", async () => {
    const app = createCatalogApp({ kit: testKit("catalog").kit });
    for (let i = 0; i < 100; i++) expect((await app.request("/products/1")).status).to.equal(200);
  });
});
