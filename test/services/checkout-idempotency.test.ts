/**
 * Business-logic attacks on the checkout's idempotency, over real HTTP
 * against a real Redis:
 *
 * - forged order: a stranger creates an order under the key the victim's
 *   checkout will use, so the victim is charged and then refused the order;
 * - poisoned payment: a stranger pays first under that key with another
 *   amount, so the victim's charge is refused on every retry;
 * - expiry: a retry after the shorter-lived record has expired must not
 *   charge again.
 *
 * The keys must be unknowable (cart mints them at random) and the records
 * scoped to the calling service (orders and payment keep one key space per
 * caller), so neither attack can touch the victim's checkout.
 */
import { expect } from "chai";
import { Cart, CheckoutResult } from "../../services/contracts/cart";
import { CALLER_HEADER } from "../../services/contracts/caller";
import type { NewOrder } from "../../services/contracts/order";
import { RETENTION } from "../../services/retention";
import { cartApp, startBackend, type Backend } from "../support/backend";
import { postJson, redisSuite } from "../support/services";
import { waitFor } from "../support/wait";

const STRANGER_ORDER: NewOrder = {
  user_id: "stranger",
  items: [{ product_id: "1", name: "Mesh Hoodie", quantity: 1, unit_price_cents: 1 }],
  total_cents: 1,
  payment_id: "pay_forged",
};

describe("checkout idempotency under attack: unpredictable keys, per-caller key spaces, nothing expires too early", function () {
  const { redis, stack } = redisSuite();
  let backend: Backend;

  const cartUrl = (base: string, user: string, path = "") => `${base}/cart/${user}${path}`;
  const add = (base: string, user: string, productId: string, quantity = 1) => postJson(cartUrl(base, user, "/add"), { product_id: productId, quantity });
  const checkout = (base: string, user: string) => fetch(cartUrl(base, user, "/checkout"), { method: "POST" });

  /** Every charge and order, per shopper. */
  async function ledgerOf(user: string) {
    const client = await redis.client();
    const payments = Object.values(await client.hGetAll("payments")).map((json) => JSON.parse(json) as { user_id: string; status: string });
    const orders = Object.values(await client.hGetAll("orders")).map((json) => JSON.parse(json) as { user_id: string });
    return {
      charges: payments.filter((p) => p.user_id === user && p.status === "approved").length,
      orders: orders.filter((o) => o.user_id === user).length,
    };
  }

  /** Every key of `user`'s cart (SCAN, not KEYS). */
  async function cartKeys(user: string): Promise<string[]> {
    const client = await redis.client();
    const found: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `cart:${user}:*`, COUNT: 100 })) found.push(...batch);
    return found.sort();
  }

  beforeEach(async () => {
    backend = await startBackend(stack, redis.url, { timeoutMs: 1_000 });
  });

  it("forged order: a stranger's order under the victim's predictable key leaves the victim's checkout whole (one charge, one order)", async () => {
    const base = backend.urls.cart;
    const cart = Cart.parse(await (await add(base, "victim", "2", 1)).json());
    // what the old key was made of is public: the user id and the cart's revision
    for (const key of [`cart-victim-r${cart.revision}`, `cart-victim-r${cart.revision + 1}`]) {
      const forged = await postJson(`${backend.urls.orders}/orders`, STRANGER_ORDER, { "idempotency-key": key });
      expect(forged.status, "the stranger gets an order of their own").to.equal(201);
    }
    const response = await checkout(base, "victim");
    expect(response.status).to.equal(201);
    const result = CheckoutResult.parse(await response.json());
    expect(await ledgerOf("victim")).to.deep.equal({ charges: 1, orders: 1 });
    const order = await (await fetch(`${backend.urls.orders}/orders/${result.order_id}`)).json();
    expect(order).to.include({ user_id: "victim", payment_id: result.payment_id });
  });

  it("poisoned payment: a stranger's payment under the victim's predictable key leaves the victim's checkout whole", async () => {
    const base = backend.urls.cart;
    const cart = Cart.parse(await (await add(base, "victim", "3", 2)).json());
    const poisoned = await postJson(`${backend.urls.payment}/payments`, { user_id: "stranger", amount_cents: 1 }, { "idempotency-key": `cart-victim-r${cart.revision}` });
    expect(poisoned.status).to.equal(201);
    const response = await checkout(base, "victim");
    expect(response.status).to.equal(201);
    expect(await ledgerOf("victim")).to.deep.equal({ charges: 1, orders: 1 });
    expect(await ledgerOf("stranger"), "the stranger's own payment stands, nothing else").to.deep.equal({ charges: 1, orders: 0 });
  });

  it("the key is random, kept with the pending checkout and reused by the retry", async () => {
    const base = backend.urls.cart;
    await add(base, "resumer", "8", 1);
    await backend.stop("orders");
    expect((await checkout(base, "resumer")).status).to.equal(503);
    const client = await redis.client();
    const pending = JSON.parse((await client.get("cart:resumer:pending"))!) as { idempotency_key: string };
    expect(pending.idempotency_key).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await client.exists(`payment:idem:cart:${pending.idempotency_key}`), "payment keeps cart's keys apart from every other caller's").to.equal(1);
    await backend.restart("orders");
    expect((await checkout(base, "resumer")).status).to.equal(201);
    expect(await client.exists(`orders:idem:cart:${pending.idempotency_key}`)).to.equal(1);
    expect(await ledgerOf("resumer")).to.deep.equal({ charges: 1, orders: 1 });
  });

  it("even a leaked key cannot be poisoned by another caller: orders and payment keep one key space per calling service", async () => {
    const key = "0b0e3c8e-6a1f-4d1e-9d3c-2f9d2b1a7c55";
    const order = { ...STRANGER_ORDER, user_id: "victim" };
    const asStranger = await postJson(`${backend.urls.orders}/orders`, STRANGER_ORDER, { "idempotency-key": key });
    expect(asStranger.status).to.equal(201);
    const asCart = await postJson(`${backend.urls.orders}/orders`, order, { "idempotency-key": key, [CALLER_HEADER]: "cart" });
    expect(asCart.status, "cart's record under the same key is its own").to.equal(201);
    const replay = await postJson(`${backend.urls.orders}/orders`, order, { "idempotency-key": key, [CALLER_HEADER]: "cart" });
    expect(replay.status).to.equal(200);

    const payStranger = await postJson(`${backend.urls.payment}/payments`, { user_id: "stranger", amount_cents: 1 }, { "idempotency-key": key });
    expect(payStranger.status).to.equal(201);
    const payCart = await postJson(`${backend.urls.payment}/payments`, { user_id: "victim", amount_cents: 500 }, { "idempotency-key": key, [CALLER_HEADER]: "cart" });
    expect(payCart.status).to.equal(201);

    const badCaller = await postJson(`${backend.urls.orders}/orders`, order, { "idempotency-key": key, [CALLER_HEADER]: "x".repeat(300) });
    expect(badCaller.status, "a caller header that names no service is refused").to.equal(400);
  });

  it("every record guarding a charge outlives the pending checkout it protects", async () => {
    const base = backend.urls.cart;
    await add(base, "ttl", "5", 1);
    await backend.stop("orders");
    expect((await checkout(base, "ttl")).status).to.equal(503);
    const client = await redis.client();
    const pending = JSON.parse((await client.get("cart:ttl:pending"))!) as { idempotency_key: string };
    const pendingMs = await client.pTTL("cart:ttl:pending");
    const paymentMs = await client.pTTL(`payment:idem:cart:${pending.idempotency_key}`);
    expect(pendingMs).to.be.within(1, RETENTION.pendingCheckoutMs);
    expect(paymentMs, "payment's record outlives the pending checkout and a last attempt").to.be.at.least(pendingMs + RETENTION.checkoutAttemptMs);
    for (const key of await cartKeys("ttl")) {
      if (key.endsWith(":lock")) continue;
      expect(await client.pTTL(key), `${key} goes when the pending checkout goes, not later`).to.be.within(1, pendingMs + 50);
    }
    await backend.restart("orders");
    expect((await checkout(base, "ttl")).status).to.equal(201);
    const orderKey = `orders:idem:cart:${pending.idempotency_key}`;
    expect(await client.pTTL(orderKey)).to.be.at.least(RETENTION.pendingCheckoutMs + RETENTION.checkoutAttemptMs);
  });

  it("a retry after the pending checkout expired cannot charge twice: the cart expired with it", async () => {
    // a cart with short lifetimes, in front of the same backend
    const shortLived = await stack.serve(
      await cartApp(stack, redis.url, backend.urls, { checkoutLockMs: 2_000, retention: { cartIdleMs: 60_000, pendingCheckoutMs: 400 } }),
    );
    await add(shortLived.url, "late", "6", 1);
    await backend.stop("orders");
    expect((await checkout(shortLived.url, "late")).status).to.equal(503);
    expect(await ledgerOf("late")).to.deep.equal({ charges: 1, orders: 0 });
    await add(shortLived.url, "late", "7", 1); // shopping on does not keep the pending checkout alive
    await waitFor("the pending checkout and its cart to expire", async () => (await cartKeys("late")).filter((k) => !k.endsWith(":lock")).length === 0, { timeoutMs: 5_000 });
    await backend.restart("orders");
    const retry = await checkout(shortLived.url, "late");
    expect(retry.status).to.equal(409);
    expect((await retry.json()).error.code).to.equal("cart_empty");
    expect(await ledgerOf("late"), "charged once, never twice").to.deep.equal({ charges: 1, orders: 0 });
  });
});
