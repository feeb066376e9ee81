import { expect } from "chai";
import { EVENTS_STREAM } from "../../services/contracts/event";
import type { NewOrder } from "../../services/contracts/order";
import { createOrdersService } from "../../services/orders/orders-app";
import { createUsersApp } from "../../services/users/users-app";
import type { ServiceApp } from "../../services/kit/service-app";
import type { RunningServer } from "../../services/kit/server";
import { answersGarbage, closedUrl, hangs, type RawServer } from "../support/loopback-http";
import { testKit } from "../support/kit";
import { postJson, redisSuite } from "../support/services";
import { waitFor } from "../support/wait";

const ORDER: NewOrder = {
  user_id: "2",
  items: [
    { product_id: "2", name: "Sidecar Mug", quantity: 2, unit_price_cents: 1299 },
    { product_id: "4", name: "Canary Socks", quantity: 1, unit_price_cents: 899 },
  ],
  total_cents: 3497,
  payment_id: "pay-abc",
};

describe("orders over HTTP with a real Redis and a real users service", function () {
  const { redis, stack } = redisSuite();
  let users: RunningServer;
  let orders: RunningServer;

  /** Starts orders against `usersUrl` the way orders-main.ts does (app + seed on every connection). */
  async function startOrders(usersUrl: string, timeoutMs = 1_000): Promise<{ server: RunningServer; app: ServiceApp }> {
    const service = createOrdersService({
      kit: testKit("orders").kit,
      redis: await stack.redis(redis.url, 500),
      users: stack.upstream("users", usersUrl, { timeoutMs }),
    });
    service.start?.();
    return { server: await stack.serve(service.app), app: service.app };
  }

  /** What Redis holds: orders, events, the id sequence. */
  async function state() {
    const client = await redis.client();
    return { orders: await client.hLen("orders"), events: await client.xLen(EVENTS_STREAM), seq: await client.get("orders:seq") };
  }

  beforeEach(async () => {
    users = await stack.serve(createUsersApp({ kit: testKit("users").kit }));
    orders = (await startOrders(users.url)).server;
    await waitFor("the seed order", async () => (await fetch(`${orders.url}/orders/1`)).status === 200);
  });
  it("GET /orders/1 is the seed order nesting user 1 fetched live from users", async () => {
    const response = await fetch(`${orders.url}/orders/1`);
    expect(response.status).to.equal(200);
    const text = await response.text();
    expect(text.startsWith('{"order_id":1,"user":{"id":1,"name":"Alice"},')).to.equal(true);
    expect(JSON.parse(text)).to.include({ user_id: "1", status: "created" });
  });

  it("fetches the user live: what users says now, and null for shoppers users does not know", async () => {
    const renamed = await stack.serve(createUsersApp({ kit: testKit("users").kit, users: [{ id: 1, name: "Alicia" }] }));
    const other = await startOrders(renamed.url);
    expect((await (await fetch(`${other.server.url}/orders/1`)).json()).user).to.deep.equal({ id: 1, name: "Alicia" });
    const created = await (await postJson(`${orders.url}/orders`, { ...ORDER, user_id: "user123" }, { "idempotency-key": "k-user123" })).json();
    const view = await (await fetch(`${orders.url}/orders/${created.order_id}`)).json();
    expect(view.user).to.equal(null);
    const unknownUser = await (await postJson(`${orders.url}/orders`, { ...ORDER, user_id: "999" }, { "idempotency-key": "k-999" })).json();
    expect((await (await fetch(`${orders.url}/orders/${unknownUser.order_id}`)).json()).user).to.equal(null);
  });

  describe("when users fails, the order is not shown with a made-up user", () => {
    const broken: RawServer[] = [];
    afterEach(async () => {
      await Promise.all(broken.splice(0).map((s) => s.close()));
    });

    it("users down → 503", async () => {
      const other = await startOrders(await closedUrl());
      const response = await fetch(`${other.server.url}/orders/1`);
      expect(response.status).to.equal(503);
      expect((await response.json()).error.code).to.equal("upstream_unavailable");
    });

    it("users hanging → 504 within the configured timeout", async () => {
      const hanging = await hangs();
      broken.push(hanging);
      const other = await startOrders(hanging.url, 400);
      const started = Date.now();
      const response = await fetch(`${other.server.url}/orders/1`);
      expect(response.status).to.equal(504);
      expect(Date.now() - started).to.be.within(350, 2_500);
    });

    it("users answering garbage → 502", async () => {
      const garbage = await answersGarbage();
      broken.push(garbage);
      const other = await startOrders(garbage.url);
      const response = await fetch(`${other.server.url}/orders/1`);
      expect(response.status).to.equal(502);
      expect((await response.json()).error.code).to.equal("bad_upstream_response");
    });
  });

  it("POST /orders creates the order and appends order.created to the events stream", async () => {
    const response = await postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "checkout-1" });
    expect(response.status).to.equal(201);
    const order = await response.json();
    expect(order).to.include({ order_id: 2, user_id: "2", total_cents: 3497, payment_id: "pay-abc", status: "created" });
    const client = await redis.client();
    const events = (await client.xRange(EVENTS_STREAM, "-", "+")) ?? [];
    expect(events).to.have.length(1);
    expect(events[0]!.message).to.deep.equal({ order_id: "2", type: "order.created", user_id: "2", total_cents: "3497" });
    const view = await (await fetch(`${orders.url}/orders/2`)).json();
    expect(view.user).to.deep.equal({ id: 2, name: "Bob" });
    expect(view.items).to.deep.equal(ORDER.items);
  });

  it("a retried POST with the same Idempotency-Key returns the first order: one order, one event", async () => {
    const first = await (await postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "checkout-2" })).json();
    const retry = await postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "checkout-2" });
    expect(retry.status).to.equal(200);
    expect(retry.headers.get("idempotent-replayed")).to.equal("true");
    expect(await retry.json()).to.deep.equal(first);
    expect(await state()).to.deep.equal({ orders: 2, events: 1, seq: "2" });
  });

  it("concurrent POSTs with one key create exactly one order", async () => {
    const responses = await Promise.all(Array.from({ length: 25 }, () => postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "race" })));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.filter((r) => r.status === 201)).to.have.length(1);
    expect(new Set(bodies.map((b) => b.order_id)).size).to.equal(1);
    expect(await state()).to.deep.equal({ orders: 2, events: 1, seq: "2" });
  });

  it("the same key with a different body is a 422 and changes nothing", async () => {
    await postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "checkout-3" });
    const before = await state();
    const response = await postJson(`${orders.url}/orders`, { ...ORDER, payment_id: "pay-other" }, { "idempotency-key": "checkout-3" });
    expect(response.status).to.equal(422);
    expect((await response.json()).error.code).to.equal("idempotency_key_reused");
    expect(await state()).to.deep.equal(before);
  });

  it("lists a user's orders newest first", async () => {
    await postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "a" });
    await postJson(`${orders.url}/orders`, { ...ORDER, payment_id: "pay-2" }, { "idempotency-key": "b" });
    const response = await fetch(`${orders.url}/orders?user_id=2`);
    expect(response.status).to.equal(200);
    const { orders: list } = await response.json();
    expect(list.map((o: { order_id: number }) => o.order_id)).to.deep.equal([3, 2]);
    expect((await (await fetch(`${orders.url}/orders?user_id=nobody`)).json()).orders).to.deep.equal([]);
    expect((await fetch(`${orders.url}/orders`)).status, "user_id is required").to.equal(400);
    expect((await fetch(`${orders.url}/orders?user_id=a%20b`)).status).to.equal(400);
  });

  describe("bad input: a JSON 4xx and no state change", () => {
    const cases: { name: string; body?: string; headers?: Record<string, string>; status: number }[] = [
      { name: "missing Idempotency-Key", body: JSON.stringify(ORDER), headers: {}, status: 400 },
      { name: "malformed Idempotency-Key", body: JSON.stringify(ORDER), headers: { "idempotency-key": "has spaces in it" }, status: 400 },
      { name: "malformed JSON", body: '{"user_id": "2", ', status: 400 },
      { name: "wrong content type", body: JSON.stringify(ORDER), headers: { "idempotency-key": "k", "content-type": "text/plain" }, status: 415 },
      { name: "no items", body: JSON.stringify({ ...ORDER, items: [], total_cents: 0 }), status: 400 },
      { name: "total not the sum of the lines", body: JSON.stringify({ ...ORDER, total_cents: 1 }), status: 400 },
      { name: "fractional price", body: JSON.stringify({ ...ORDER, items: [{ ...ORDER.items[0], unit_price_cents: 12.5 }], total_cents: 25 }), status: 400 },
      { name: "negative quantity", body: JSON.stringify({ ...ORDER, items: [{ ...ORDER.items[0], quantity: -2 }], total_cents: -2598 }), status: 400 },
      { name: "number for a string id", body: JSON.stringify({ ...ORDER, user_id: 2 }), status: 400 },
      { name: "missing payment_id", body: JSON.stringify({ ...ORDER, payment_id: undefined }), status: 400 },
      { name: "oversize body", body: JSON.stringify({ ...ORDER, pad: "x".repeat(64 * 1024) }), status: 413 },
    ];
    for (const c of cases) {
      it(`${c.name} → ${c.status}`, async () => {
        const before = await state();
        const response = await fetch(`${orders.url}/orders`, {
          method: "POST",
          body: c.body,
          headers: c.headers ?? { "idempotency-key": "bad-input", "content-type": "application/json" },
        });
        expect(response.status).to.equal(c.status);
        const body = await response.json();
        expect(body.error.code).to.be.a("string");
        expect(body.error.message).to.be.a("string");
        expect(await state()).to.deep.equal(before);
      });
    }

    it("bad path parameters → 400, unknown order → 404", async () => {
      for (const bad of ["abc", "0", "-1", "1.5"]) expect((await fetch(`${orders.url}/orders/${bad}`)).status, bad).to.equal(400);
      const missing = await fetch(`${orders.url}/orders/424242`);
      expect(missing.status).to.equal(404);
      expect((await missing.json()).error.code).to.equal("order_not_found");
    });
  });

  it("Redis down → fast 503s and /readyz 503 with the reason; back without a restart, seed order included", async () => {
    await redis.stop();
    const started = Date.now();
    const [read, write, ready] = await Promise.all([
      fetch(`${orders.url}/orders/1`),
      postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "while-down" }),
      fetch(`${orders.url}/readyz`),
    ]);
    expect(Date.now() - started).to.be.below(1_500);
    expect(read.status).to.equal(503);
    expect((await read.json()).error.code).to.equal("store_unavailable");
    expect(write.status).to.equal(503);
    expect(ready.status).to.equal(503);
    expect((await ready.json()).error.message).to.match(/redis/);
    expect((await fetch(`${orders.url}/healthz`)).status).to.equal(200);

    await redis.restart();
    await waitFor("readiness", async () => (await fetch(`${orders.url}/readyz`)).status === 200, { timeoutMs: 10_000 });
    await waitFor("the seed order again", async () => (await fetch(`${orders.url}/orders/1`)).status === 200);
    expect((await postJson(`${orders.url}/orders`, ORDER, { "idempotency-key": "after" })).status).to.equal(201);
  });
});
