import { expect } from "chai";
import { Cart, CheckoutResult } from "../../services/contracts/cart";
import { EVENTS_STREAM } from "../../services/contracts/event";
import { createCartApp } from "../../services/cart/cart-app";
import { BackgroundTasks } from "../../services/kit/background";
import { rawServer } from "../support/loopback-http";
import { testKit } from "../support/kit";
import { sampleValue } from "../support/prometheus-text";
import { startBackend, switchable, type Backend } from "../support/backend";
import { postJson, redisSuite } from "../support/services";
import { waitFor } from "../support/wait";

describe("cart over HTTP: the whole backend, a real Redis", function () {
  const { redis, stack } = redisSuite();
  let backend: Backend;
  const decline = switchable();
  const slowPayment = switchable();

  const cartUrl = (user: string, path = "") => `${backend.urls.cart}/cart/${user}${path}`;
  const add = (user: string, body: unknown) => postJson(cartUrl(user, "/add"), body);
  const checkout = (user: string) => fetch(cartUrl(user, "/checkout"), { method: "POST" });
  const getCart = async (user: string) => Cart.parse(await (await fetch(cartUrl(user))).json());
  /** What the other services hold: charges (by status), orders, events. */
  async function ledger() {
    const client = await redis.client();
    const payments = Object.values(await client.hGetAll("payments")).map((json) => JSON.parse(json) as { status: string; payment_id: string });
    return {
      approved: payments.filter((p) => p.status === "approved").length,
      declined: payments.filter((p) => p.status === "declined").length,
      orders: (await client.hLen("orders")) - 1, // minus the seed order
      events: await client.xLen(EVENTS_STREAM),
    };
  }

  beforeEach(async () => {
    decline.on = false;
    slowPayment.on = false;
    backend = await startBackend(stack, redis.url, { timeoutMs: 1_000, payment: { decline, timeout: slowPayment, timeoutDelayMs: 2_000 } });
  });

  it('POST /cart/user123/add {"product_id":"1","quantity":2} works, and GET shows it', async () => {
    const response = await add("user123", { product_id: "1", quantity: 2 });
    expect(response.status).to.equal(200);
    const cart = Cart.parse(await response.json());
    expect(cart.items).to.deep.equal([{ product_id: "1", quantity: 2 }]);
    expect(cart.user_id).to.equal("user123");
    expect(await getCart("user123")).to.deep.equal(cart);
  });

  it("adds to the same line, removes a line, and 404s removing what is not there", async () => {
    await add("u1", { product_id: "1", quantity: 2 });
    await add("u1", { product_id: "3", quantity: 1 });
    const after = Cart.parse(await (await add("u1", { product_id: "1", quantity: 3 })).json());
    expect(after.items).to.deep.equal([
      { product_id: "1", quantity: 5 },
      { product_id: "3", quantity: 1 },
    ]);
    const removed = await fetch(cartUrl("u1", "/items/1"), { method: "DELETE" });
    expect(removed.status).to.equal(200);
    expect(Cart.parse(await removed.json()).items).to.deep.equal([{ product_id: "3", quantity: 1 }]);
    const missing = await fetch(cartUrl("u1", "/items/1"), { method: "DELETE" });
    expect(missing.status).to.equal(404);
    expect((await missing.json()).error.code).to.equal("item_not_in_cart");
  });

  it("100 concurrent adds to one cart lose no update", async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => add("busy", { product_id: i % 2 ? "2" : "5", quantity: i % 2 ? 1 : 2 })),
    );
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).to.deep.equal([]);
    const cart = await getCart("busy");
    expect(cart.items).to.deep.equal([
      { product_id: "2", quantity: 50 },
      { product_id: "5", quantity: 100 },
    ]);
    const revisions = new Set((await Promise.all(responses.map((r) => r.json()))).map((c: { revision: number }) => c.revision));
    expect(revisions.size, "every add moved the cart to a revision of its own").to.equal(100);
  });

  describe("bad input: a JSON 4xx and the cart unchanged", () => {
    const cases: { name: string; user?: string; body?: string; type?: string; status: number; code?: string }[] = [
      { name: "malformed JSON", body: '{"product_id": "1", "quantity": ', status: 400 },
      { name: "a JSON array", body: "[1,2]", status: 400 },
      { name: "quantity as a string", body: '{"product_id":"1","quantity":"2"}', status: 400 },
      { name: "product_id as a number", body: '{"product_id":1,"quantity":2}', status: 400 },
      { name: "negative quantity", body: '{"product_id":"1","quantity":-1}', status: 400 },
      { name: "zero quantity", body: '{"product_id":"1","quantity":0}', status: 400 },
      { name: "fractional quantity", body: '{"product_id":"1","quantity":1.5}', status: 400 },
      { name: "huge quantity", body: '{"product_id":"1","quantity":1e9}', status: 400 },
      { name: "quantity over one add's limit", body: '{"product_id":"1","quantity":100}', status: 400 },
      { name: "unknown product", body: '{"product_id":"999","quantity":1}', status: 422, code: "unknown_product" },
      { name: "malformed product id", body: '{"product_id":"abc","quantity":1}', status: 400 },
      { name: "missing quantity", body: '{"product_id":"1"}', status: 400 },
      { name: "missing product_id", body: '{"quantity":1}', status: 400 },
      { name: "empty body", body: "", status: 400 },
      { name: "oversize body", body: JSON.stringify({ product_id: "1", quantity: 1, pad: "x".repeat(20_000) }), status: 413 },
      { name: "wrong content type", body: '{"product_id":"1","quantity":1}', type: "text/plain", status: 415 },
      { name: "form content type", body: "product_id=1&quantity=1", type: "application/x-www-form-urlencoded", status: 415 },
      { name: "bad user id in the path", user: "bad%20user", body: '{"product_id":"1","quantity":1}', status: 400 },
      { name: "over-long user id", user: "u".repeat(65), body: '{"product_id":"1","quantity":1}', status: 400 },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status}`, async () => {
        await add("victim", { product_id: "2", quantity: 1 });
        const before = await getCart("victim");
        const seq = await (await redis.client()).get("cart:rev-seq");
        const response = await fetch(cartUrl(c.user ?? "victim", "/add"), { method: "POST", body: c.body, headers: { "content-type": c.type ?? "application/json" } });
        expect(response.status).to.equal(c.status);
        const body = await response.json();
        expect(body.error.code).to.equal(c.code ?? body.error.code).and.to.be.a("string");
        expect(body.error.message).to.be.a("string").and.not.be.empty;
        expect(await getCart("victim")).to.deep.equal(before);
        expect(await (await redis.client()).get("cart:rev-seq"), "no revision was spent").to.equal(seq);
      });
    }

    it("a line over the line limit → 422, unchanged", async () => {
      for (let i = 0; i < 10; i++) await add("limit", { product_id: "6", quantity: 99 });
      const before = await getCart("limit");
      expect(before.items).to.deep.equal([{ product_id: "6", quantity: 990 }]);
      const response = await add("limit", { product_id: "6", quantity: 10 });
      expect(response.status).to.equal(422);
      expect((await response.json()).error.code).to.equal("quantity_limit");
      expect(await getCart("limit")).to.deep.equal(before);
    });

    it("bad path parameters elsewhere → 400", async () => {
      expect((await fetch(cartUrl("bad%20user"))).status).to.equal(400);
      expect((await fetch(cartUrl("u1", "/items/abc"), { method: "DELETE" })).status).to.equal(400);
      expect((await fetch(cartUrl("u%2Fx", "/checkout"), { method: "POST" })).status).to.be.oneOf([400, 404]);
      expect((await fetch(cartUrl("u1", "/add"))).status, "GET on a POST route").to.equal(405);
    });
  });

  describe("checkout", () => {
    it("prices from catalog, pays with an Idempotency-Key, creates the order, notifies, clears the cart", async () => {
      await add("shopper", { product_id: "1", quantity: 2 });
      await add("shopper", { product_id: "4", quantity: 3 });
      const response = await checkout("shopper");
      expect(response.status).to.equal(201);
      const result = CheckoutResult.parse(await response.json());
      expect(result.items).to.deep.equal([
        { product_id: "1", name: "Mesh Hoodie", quantity: 2, unit_price_cents: 4999 },
        { product_id: "4", name: "Canary Socks", quantity: 3, unit_price_cents: 899 },
      ]);
      expect(result.total_cents).to.equal(2 * 4999 + 3 * 899);
      expect(result.payment_version, "the payment version that charged, for the storefront's confirmation").to.equal("v1");
      expect((await getCart("shopper")).items).to.deep.equal([]);
      expect(await ledger()).to.deep.equal({ approved: 1, declined: 0, orders: 1, events: 1 });
      const client = await redis.client();
      const records = [];
      for await (const batch of client.scanIterator({ MATCH: "payment:idem:*", COUNT: 100 })) records.push(...batch);
      expect(records, "one record, in cart's key space, under a random key").to.have.length(1);
      expect(records[0]).to.match(/^payment:idem:cart:[0-9a-f-]{36}$/);
      const order = await (await fetch(`${backend.urls.orders}/orders/${result.order_id}`)).json();
      expect(order).to.include({ user_id: "shopper", payment_id: result.payment_id, total_cents: result.total_cents });
      await backend.settle();
      await waitFor("all three notifications", async () => {
        const { notifications } = await (await fetch(`${backend.urls.notifications}/notifications/shopper`)).json();
        const types = (notifications as { type: string }[]).map((n) => n.type).sort();
        return types.length === 3 && types;
      }).then((types) => expect(types).to.deep.equal(["checkout.completed", "order.created", "payment.approved"]));
    });

    it("a retried checkout never charges twice nor creates a second order", async () => {
      await add("again", { product_id: "2", quantity: 1 });
      expect((await checkout("again")).status).to.equal(201);
      const retry = await checkout("again");
      expect(retry.status).to.equal(409);
      expect((await retry.json()).error.code).to.equal("cart_empty");
      expect(await ledger()).to.deep.equal({ approved: 1, declined: 0, orders: 1, events: 1 });
    });

    it("a later purchase of the same items gets a new key and a new order", async () => {
      await add("repeat", { product_id: "2", quantity: 1 });
      const first = CheckoutResult.parse(await (await checkout("repeat")).json());
      await add("repeat", { product_id: "2", quantity: 1 });
      const second = CheckoutResult.parse(await (await checkout("repeat")).json());
      expect(second.payment_id).not.to.equal(first.payment_id);
      expect(second.order_id).not.to.equal(first.order_id);
      expect(await ledger()).to.deep.equal({ approved: 2, declined: 0, orders: 2, events: 2 });
    });

    it("an empty cart is a 409 and nothing is charged", async () => {
      const response = await checkout("nobody");
      expect(response.status).to.equal(409);
      expect((await response.json()).error.code).to.equal("cart_empty");
      expect(await ledger()).to.deep.equal({ approved: 0, declined: 0, orders: 0, events: 0 });
    });

    it("declined: a 402 with the cart intact; the next attempt is a new charge", async () => {
      await add("poor", { product_id: "3", quantity: 1 });
      const before = await getCart("poor");
      decline.on = true;
      const response = await checkout("poor");
      expect(response.status).to.equal(402);
      const body = await response.json();
      expect(body.error.code).to.equal("payment_declined");
      expect(body.error.details.payment_id).to.match(/^pay_/);
      expect(body.error.details.payment_version).to.equal("v1");
      expect((await getCart("poor")).items).to.deep.equal(before.items);
      expect(await ledger()).to.deep.equal({ approved: 0, declined: 1, orders: 0, events: 0 });
      decline.on = false;
      expect((await checkout("poor")).status).to.equal(201);
      expect(await ledger()).to.deep.equal({ approved: 1, declined: 1, orders: 1, events: 1 });
    });

    it("payment timeout: a 504 within the timeout, cart intact; the retry reuses the key and charges once, even after the cart changed", async () => {
      await add("slow", { product_id: "1", quantity: 1 });
      slowPayment.on = true;
      const started = Date.now();
      const response = await checkout("slow");
      expect(response.status).to.equal(504);
      expect((await response.json()).error.code).to.equal("upstream_timeout");
      expect(Date.now() - started).to.be.within(900, 3_000);
      expect((await getCart("slow")).items).to.deep.equal([{ product_id: "1", quantity: 1 }]);
      slowPayment.on = false;
      await add("slow", { product_id: "7", quantity: 2 }); // the shopper keeps shopping meanwhile
      const retry = await checkout("slow");
      expect(retry.status).to.equal(201);
      const result = CheckoutResult.parse(await retry.json());
      expect(result.items.map((l) => l.product_id), "the interrupted checkout is completed as it was").to.deep.equal(["1"]);
      expect(await ledger()).to.deep.equal({ approved: 1, declined: 0, orders: 1, events: 1 });
      expect((await getCart("slow")).items, "what was added meanwhile stays").to.deep.equal([{ product_id: "7", quantity: 2 }]);
    });

    it("orders down after the charge: a 503; the retry completes with the same payment", async () => {
      await add("unlucky", { product_id: "8", quantity: 1 });
      await backend.stop("orders");
      const response = await checkout("unlucky");
      expect(response.status).to.equal(503);
      expect((await response.json()).error.code).to.equal("upstream_unavailable");
      expect(await ledger()).to.include({ approved: 1, orders: 0 });
      await backend.restart("orders");
      expect((await checkout("unlucky")).status).to.equal(201);
      expect(await ledger()).to.deep.equal({ approved: 1, declined: 0, orders: 1, events: 1 });
    });

    it("concurrent checkouts of one cart: one goes through, the others get a 409", async () => {
      await add("racer", { product_id: "5", quantity: 4 });
      const responses = await Promise.all(Array.from({ length: 10 }, () => checkout("racer")));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).to.have.length(1);
      expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).to.equal(true);
      expect(await ledger()).to.deep.equal({ approved: 1, declined: 0, orders: 1, events: 1 });
    });

    it("catalog down: adds and checkouts fail with 503 and change nothing", async () => {
      await add("cat", { product_id: "1", quantity: 1 });
      const before = await getCart("cat");
      await backend.stop("catalog");
      const added = await add("cat", { product_id: "1", quantity: 1 });
      expect(added.status).to.equal(503);
      const checkedOut = await checkout("cat");
      expect(checkedOut.status).to.equal(503);
      expect(await getCart("cat")).to.deep.equal(before);
      expect(await ledger()).to.deep.equal({ approved: 0, declined: 0, orders: 0, events: 0 });
    });
  });

  it("Redis down → fast 503s on every route and /readyz 503; back without a restart", async () => {
    await add("r", { product_id: "1", quantity: 1 });
    await redis.stop();
    await waitFor("readiness to fail", async () => (await fetch(`${backend.urls.cart}/readyz`)).status === 503);
    const started = Date.now();
    const responses = await Promise.all([fetch(cartUrl("r")), add("r", { product_id: "1", quantity: 1 }), checkout("r"), fetch(cartUrl("r", "/items/1"), { method: "DELETE" })]);
    expect(Date.now() - started).to.be.below(1_500);
    expect(responses.map((r) => r.status)).to.deep.equal([503, 503, 503, 503]);
    expect((await (await fetch(`${backend.urls.cart}/readyz`)).json()).error.message).to.match(/redis/);
    await redis.restart();
    await waitFor("readiness", async () => (await fetch(`${backend.urls.cart}/readyz`)).status === 200, { timeoutMs: 10_000 });
    expect((await add("r", { product_id: "1", quantity: 1 })).status).to.equal(200);
  });

  it("forwards the request's trace headers to catalog", async () => {
    const catalog = await rawServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "1", name: "X", description: "", price_cents: 100, currency: "USD" }));
    });
    stack.defer(() => catalog.close());
    const t = testKit("cart");
    const app = createCartApp({
      kit: t.kit,
      redis: await stack.redis(redis.url),
      upstreams: {
        catalog: stack.upstream("catalog", catalog.url),
        payment: stack.upstream("payment", backend.urls.payment),
        orders: stack.upstream("orders", backend.urls.orders),
        notifications: stack.upstream("notifications", backend.urls.notifications),
      },
      background: new BackgroundTasks(t.kit.logger),
    });
    const trace = {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "x-request-id": "trace-me-1",
      "x-b3-traceid": "0af7651916cd43dd8448eb211c80319c",
      "x-b3-spanid": "b7ad6b7169203331",
      "x-b3-sampled": "1",
    };
    const response = await app.request("/cart/t1/add", { method: "POST", body: '{"product_id":"1","quantity":1}', headers: { "content-type": "application/json", ...trace } });
    expect(response.status).to.equal(200);
    expect(catalog.requests[0]!.headers).to.include(trace);
  });

  it("labels metrics with route templates, never user ids", async () => {
    await add("metrics-user-1", { product_id: "1", quantity: 1 });
    await add("metrics-user-2", { product_id: "999", quantity: 1 });
    const text = await (await fetch(`${backend.urls.cart}/metrics`)).text();
    expect(sampleValue(text, "http_requests_total", { route: "/cart/:userId/add", status: "200" })).to.equal(1);
    expect(sampleValue(text, "http_requests_total", { route: "/cart/:userId/add", status: "422" })).to.equal(1);
    expect(text).not.to.include("metrics-user");
  });
});
