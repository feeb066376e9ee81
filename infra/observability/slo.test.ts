import { expect } from "chai";
import { PUBLIC_API } from "../../services/gateway/public-api";
import { JOURNEYS } from "./slo";

/** The journeys' SLOs read the gateway's `route` label: each route must be one the gateway serves, with the journey's method. */
describe("the journeys (infra/observability/slo.ts)", () => {
  it("name public routes of their method, and each has a title of its own for the alerts", () => {
    for (const j of JOURNEYS) {
      expect(j.routes, j.name).to.not.be.empty;
      for (const route of j.routes) {
        expect(PUBLIC_API.some((r) => r.path === route && r.method === j.method), `${j.name}: ${j.method} ${route}`).to.equal(true);
      }
      expect(j.title.trim(), j.name).to.not.be.empty;
    }
    const titles = JOURNEYS.map((j) => j.title);
    expect(new Set(titles).size).to.equal(titles.length);
  });

  it("are browsing, adding to the cart and checking out (docs/observability.md)", () => {
    expect(JOURNEYS.map((j) => [j.name, j.method, j.routes])).to.deep.equal([
      ["browse", "GET", ["/api/products", "/api/products/:id"]],
      ["add_to_cart", "POST", ["/api/cart/:userId/add"]],
      ["checkout", "POST", ["/api/cart/:userId/checkout"]],
    ]);
  });
});
