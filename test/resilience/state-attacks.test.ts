/**
 * Business-logic attacks on the shop's state, against the shop as `npm start`
 * runs it (bundled processes, its own Redis with one ACL user per service),
 * driven through the gateway like a shopper, and from inside by a caller
 * that reaches orders and payment directly:
 *
 * - poisoned idempotency key: knowing the old key scheme (`cart-<user>-r<revision>`,
 *   the revision being public), a stranger spends the victim's next key at
 *   orders and at payment before the victim checks out;
 * - the victim's checkout must still complete with one order of its own and
 *   one charge.
 */
import { expect } from "chai";
import { Cart, CheckoutResult } from "../../services/contracts/cart";
import { OrderList } from "../../services/contracts/order";
import { startShop, type Shop } from "../../scripts/launcher/start-shop";
import { bundle } from "../support/test-dist";
import { sampleValue } from "../support/prometheus-text";
import { postJson } from "../support/services";

describe("resilience: attacks on idempotency against the running shop", function () {
  let shop: Shop;

  before(async () => {
    shop = await startShop({ distDir: await bundle(), ports: "free", canaryWeight: 0 });
  });
  after(async () => {
    await shop?.stop();
  });

  const api = (path: string) => `${shop.urls.gateway}/api${path}`;
  const charged = async () => {
    let total = 0;
    for (const url of [shop.urls.payment, shop.urls["payment-v2"]]) total += sampleValue(await (await fetch(`${url}/metrics`)).text(), "http_requests_total", { method: "POST", route: "/payments", status: "201" });
    return total;
  };

  it("a stranger who spends the victim's predictable key at orders and payment cannot disturb the victim's checkout", async () => {
    const victim = `victim-${Date.now()}`;
    const cart = Cart.parse(await (await postJson(api(`/cart/${victim}/add`), { product_id: "2", quantity: 1 })).json());
    const predicted = `cart-${victim}-r${cart.revision}`;
    const forgedOrder = { user_id: "stranger", items: [{ product_id: "2", name: "Sidecar Mug", quantity: 1, unit_price_cents: 1 }], total_cents: 1, payment_id: "pay_forged" };

    // through the edge: not part of the public API
    expect((await postJson(api("/orders"), forgedOrder, { "idempotency-key": predicted, "x-meshmart-caller": "cart" })).status).to.be.oneOf([404, 405]);
    // from inside, straight at the services, with the predicted key
    expect((await postJson(`${shop.urls.orders}/orders`, forgedOrder, { "idempotency-key": predicted })).status).to.equal(201);
    expect((await postJson(`${shop.urls.payment}/payments`, { user_id: "stranger", amount_cents: 1 }, { "idempotency-key": predicted })).status).to.equal(201);
    const before = await charged();

    const response = await fetch(api(`/cart/${victim}/checkout`), { method: "POST" });
    expect(response.status).to.equal(201);
    const result = CheckoutResult.parse(await response.json());
    expect(await charged(), "the victim's checkout charged exactly once").to.equal(before + 1);
    const { orders } = OrderList.parse(await (await fetch(api(`/orders?user_id=${victim}`))).json());
    expect(orders.map((o) => o.order_id)).to.deep.equal([result.order_id]);
    expect(orders[0]).to.include({ payment_id: result.payment_id, total_cents: result.total_cents });
    const retry = await fetch(api(`/cart/${victim}/checkout`), { method: "POST" });
    expect(retry.status, "a retry finds nothing left to charge").to.equal(409);
    expect(await charged()).to.equal(before + 1);
  });
});
