import { expect } from "chai";
import { EVENTS_STREAM } from "../../services/contracts/event";
import { CONSUMER_GROUP } from "../../services/notifications/consumer";
import { createNotificationsService } from "../../services/notifications/notifications-app";
import { NotificationsStore } from "../../services/notifications/notifications-store";
import { OrdersStore } from "../../services/orders/orders-store";
import type { RunningService } from "../../services/kit/run";
import type { RunningServer } from "../../services/kit/server";
import { testKit } from "../support/kit";
import { sampleValue } from "../support/prometheus-text";
import { postJson, redisSuite } from "../support/services";
import { waitFor } from "../support/wait";

describe("notifications over HTTP with a real Redis", function () {
  const { redis, stack } = redisSuite();
  let service: RunningService & { consumer: { stop(): Promise<void> } };
  let server: RunningServer;
  let kit: ReturnType<typeof testKit>;

  async function startService(options: { claimIdleMs?: number; consumer?: string } = {}) {
    kit = testKit("notifications");
    service = createNotificationsService({
      kit: kit.kit,
      redis: await stack.redis(redis.url, 500),
      consumer: { blockMs: 200, claimIdleMs: options.claimIdleMs ?? 60_000, claimEveryMs: 100, consumer: options.consumer ?? "test-consumer" },
    });
    service.start?.();
    stack.defer(() => service.stop!());
    server = await stack.serve(service.app);
  }

  const list = async (user: string) => (await (await fetch(`${server.url}/notifications/${user}`)).json()).notifications as { id: string; type: string; message: string }[];
  const storedIds = async () => (await (await redis.client()).keys("notifications:id:*")).length;


  describe("the HTTP API", () => {
    beforeEach(() => startService());

    it("stores a notification and lists a user's newest first", async () => {
      const first = await postJson(`${server.url}/notifications`, { user_id: "user123", type: "message", message: "hello" });
      expect(first.status).to.equal(201);
      expect((await first.json()).id).to.match(/^ntf_/);
      await postJson(`${server.url}/notifications`, { user_id: "user123", type: "message", message: "again" });
      const notifications = await list("user123");
      expect(notifications.map((n) => n.message)).to.deep.equal(["again", "hello"]);
      expect(await list("someone-else")).to.deep.equal([]);
    });

    it("is idempotent by a client-supplied id", async () => {
      const body = { id: "payment-pay_1", user_id: "u1", type: "payment.approved", message: "Payment of $1.00 approved." };
      const first = await (await postJson(`${server.url}/notifications`, body)).json();
      const again = await postJson(`${server.url}/notifications`, { ...body, message: "changed" });
      expect(again.status).to.equal(200);
      expect(again.headers.get("idempotent-replayed")).to.equal("true");
      expect(await again.json()).to.deep.equal(first);
      expect(await list("u1")).to.have.length(1);
    });

    const bad: [string, string, Record<string, string>?, number?][] = [
      ["malformed JSON", '{"user_id":'],
      ["missing message", JSON.stringify({ user_id: "u1", type: "message" })],
      ["wrong type for user_id", JSON.stringify({ user_id: 7, type: "message", message: "x" })],
      ["bad type", JSON.stringify({ user_id: "u1", type: "Not A Type!", message: "x" })],
      ["message too long", JSON.stringify({ user_id: "u1", type: "message", message: "x".repeat(501) })],
      ["bad id", JSON.stringify({ id: "no spaces allowed", user_id: "u1", type: "message", message: "x" })],
      ["wrong content type", JSON.stringify({ user_id: "u1", type: "message", message: "x" }), { "content-type": "text/plain" }, 415],
      ["oversize body", JSON.stringify({ user_id: "u1", type: "message", message: "x", pad: "y".repeat(40_000) }), undefined, 413],
    ];
    for (const [name, body, headers, status] of bad) {
      it(`bad input: ${name} → ${status ?? 400}, nothing stored`, async () => {
        const response = await fetch(`${server.url}/notifications`, { method: "POST", body, headers: headers ?? { "content-type": "application/json" } });
        expect(response.status).to.equal(status ?? 400);
        expect((await response.json()).error.code).to.be.a("string");
        expect(await storedIds()).to.equal(0);
      });
    }

    it("bad user id in the path → 400", async () => {
      expect((await fetch(`${server.url}/notifications/${encodeURIComponent("a b")}`)).status).to.equal(400);
    });
  });

  describe("the events consumer", () => {
    it("turns order.created into a notification, including events written before it started", async () => {
      const client = await redis.client();
      const orders = new OrdersStore(client);
      await orders.create({ scope: "cart", key: "k1" }, { user_id: "user123", items: [{ product_id: "1", name: "Hoodie", quantity: 2, unit_price_cents: 4999 }], total_cents: 9998, payment_id: "p1" });
      await startService();
      const [notification] = await waitFor("the notification", async () => {
        const found = await list("user123");
        return found.length ? found : undefined;
      });
      expect(notification!.type).to.equal("order.created");
      expect(notification!.message).to.equal("Order #1 confirmed: $99.98.");
      expect(notification!.id).to.match(/^event-\d+-\d+$/);
      await waitFor("the ack", async () => (await client.xPending(EVENTS_STREAM, CONSUMER_GROUP)).pending === 0);
      await orders.create({ scope: "cart", key: "k2" }, { user_id: "user123", items: [{ product_id: "2", name: "Mug", quantity: 1, unit_price_cents: 1299 }], total_cents: 1299, payment_id: "p2" });
      await waitFor("the second notification", async () => (await list("user123")).length === 2);
    });

    it("reclaims what a dead consumer read but never acknowledged, and stores a redelivery once", async () => {
      const client = await redis.client();
      await client.xGroupCreate(EVENTS_STREAM, CONSUMER_GROUP, "0", { MKSTREAM: true });
      const lost = await client.xAdd(EVENTS_STREAM, "*", { type: "order.created", order_id: "7", user_id: "ann", total_cents: "100" });
      const handled = await client.xAdd(EVENTS_STREAM, "*", { type: "order.created", order_id: "8", user_id: "ann", total_cents: "200" });
      // a consumer reads both and dies; it had stored the second one but not acknowledged it
      const read = await client.xReadGroup(CONSUMER_GROUP, "dead-consumer", { key: EVENTS_STREAM, id: ">" }, { COUNT: 10 });
      expect(JSON.stringify(read)).to.include(lost).and.include(handled);
      await new NotificationsStore(client).add({
        id: `event-${handled}`,
        user_id: "ann",
        type: "order.created",
        message: "Order #8 confirmed: $2.00.",
        created_at: new Date().toISOString(),
      });
      await startService({ claimIdleMs: 50 });
      await waitFor("both pending entries to be claimed and acknowledged", async () => (await client.xPending(EVENTS_STREAM, CONSUMER_GROUP)).pending === 0);
      const notifications = await list("ann");
      expect(notifications.map((n) => n.id).sort()).to.deep.equal([`event-${lost}`, `event-${handled}`].sort());
      const metrics = await kit.kit.registry.metrics();
      expect(sampleValue(metrics, "events_consumed_total", { type: "order.created", outcome: "notified" })).to.equal(1);
      expect(sampleValue(metrics, "events_consumed_total", { type: "order.created", outcome: "duplicate" })).to.equal(1);
    });

    it("acknowledges malformed and unknown events instead of retrying them forever", async () => {
      await startService();
      const client = await redis.client();
      await client.xAdd(EVENTS_STREAM, "*", { type: "order.created", order_id: "not-a-number", user_id: "bob" });
      await client.xAdd(EVENTS_STREAM, "*", { type: "order.shipped", order_id: "3" });
      await client.xAdd(EVENTS_STREAM, "*", { type: "order.created", order_id: "9", user_id: "bob", total_cents: "5" });
      await waitFor("the good event", async () => (await list("bob")).length === 1);
      await waitFor("every ack", async () => (await client.xPending(EVENTS_STREAM, CONSUMER_GROUP)).pending === 0);
      const metrics = await kit.kit.registry.metrics();
      expect(sampleValue(metrics, "events_consumed_total", { outcome: "rejected" })).to.equal(1);
      expect(sampleValue(metrics, "events_consumed_total", { type: "order.shipped", outcome: "ignored" })).to.equal(1);
    });

    it("carries on after Redis comes back empty (group recreated)", async () => {
      await startService();
      await redis.stop();
      await waitFor("readiness to fail", async () => (await fetch(`${server.url}/readyz`)).status === 503);
      await redis.restart();
      await waitFor("readiness", async () => (await fetch(`${server.url}/readyz`)).status === 200, { timeoutMs: 10_000 });
      const client = await redis.client();
      await new OrdersStore(client).create({ scope: "cart", key: "after" }, { user_id: "cy", items: [{ product_id: "1", name: "H", quantity: 1, unit_price_cents: 10 }], total_cents: 10, payment_id: "p" });
      await waitFor("the notification after the restart", async () => (await list("cy")).length === 1, { timeoutMs: 10_000 });
    });

    it("stops promptly while blocked on the stream", async () => {
      await startService();
      await waitFor("the group", async () => (await (await redis.client()).exists(EVENTS_STREAM)) === 1);
      const started = Date.now();
      await service.consumer.stop();
      expect(Date.now() - started).to.be.below(1_500);
    });
  });

  it("Redis down → fast 503s and /readyz 503 with the reason", async () => {
    await startService();
    await redis.stop();
    await waitFor("readiness to fail", async () => (await fetch(`${server.url}/readyz`)).status === 503);
    const started = Date.now();
    const post = await postJson(`${server.url}/notifications`, { user_id: "u", type: "message", message: "x" });
    const get = await fetch(`${server.url}/notifications/u`);
    expect(Date.now() - started).to.be.below(1_000);
    expect(post.status).to.equal(503);
    expect(get.status).to.equal(503);
    expect((await (await fetch(`${server.url}/readyz`)).json()).error.message).to.match(/redis/);
    await redis.restart();
  });
});
