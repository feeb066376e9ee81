import { expect } from "chai";
import type { Product } from "../../../contracts/product";
import { cartView, itemCount } from "./cart-view";

const product = (id: string, name: string, cents: number): [string, Product] => [id, { id, name, description: "", price_cents: cents, currency: "USD" }];
const catalog = new Map([product("1", "Mesh Hoodie", 4999), product("4", "Canary Socks", 899)]);

describe("storefront cart view", () => {
  it("joins the cart's lines with the catalog's names and prices", () => {
    const view = cartView({ user_id: "1", revision: 3, items: [{ product_id: "1", quantity: 2 }, { product_id: "4", quantity: 1 }] }, catalog);
    expect(view.lines).to.deep.equal([
      { productId: "1", name: "Mesh Hoodie", quantity: 2, unitCents: 4999, lineCents: 9998 },
      { productId: "4", name: "Canary Socks", quantity: 1, unitCents: 899, lineCents: 899 },
    ]);
    expect(view.count).to.equal(3);
    expect(view.totalCents).to.equal(10_897);
  });

  it("shows a line the catalog does not know (it failed to load) without inventing a price", () => {
    const view = cartView({ user_id: "1", revision: 1, items: [{ product_id: "9", quantity: 1 }, { product_id: "1", quantity: 1 }] }, catalog);
    expect(view.lines[0]).to.deep.equal({ productId: "9", name: "Product 9", quantity: 1, unitCents: null, lineCents: null });
    expect(view.totalCents).to.equal(null);
    expect(view.count).to.equal(2);
  });

  it("an unknown or empty cart is empty, totalling zero", () => {
    expect(cartView(null, catalog)).to.deep.equal({ lines: [], count: 0, totalCents: 0 });
    expect(cartView({ user_id: "1", revision: 0, items: [] }, new Map())).to.deep.equal({ lines: [], count: 0, totalCents: 0 });
  });

  it("counts items in words", () => {
    expect([0, 1, 2].map(itemCount)).to.deep.equal(["0 items", "1 item", "2 items"]);
  });
});
