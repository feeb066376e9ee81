/**
 * Redis at its memory limit, as the cluster runs it (maxmemory with the
 * noeviction policy): writes are refused, the services answer an honest 503
 * and lose nothing (no key is evicted, not even one with a TTL, such as an
 * idempotency record); reads still work; when memory is freed, writes resume.
 */
import { expect } from "chai";
import { Cart } from "../../services/contracts/cart";
import { startBackend } from "../support/backend";
import { startTestRedis, type TestRedis } from "../support/test-redis";
import { postJson, Stack } from "../support/services";

describe("resilience: Redis at maxmemory (noeviction)", function () {
  let redis: TestRedis;
  const stack = new Stack();

  before(async () => {
    redis = await startTestRedis({ maxmemory: "64mb" });
  });
  after(async () => {
    await stack.close();
    await redis.close();
  });

  it("refuses writes with 503, evicts nothing, keeps serving reads, and recovers when there is room again", async () => {
    const admin = await redis.client();
    expect(await admin.configGet("maxmemory-policy")).to.deep.equal({ "maxmemory-policy": "noeviction" });
    const backend = await startBackend(stack, redis.url, { timeoutMs: 1_000 });
    const add = (user: string) => postJson(`${backend.urls.cart}/cart/${user}/add`, { product_id: "1", quantity: 1 });
    expect((await add("full")).status).to.equal(200);
    const paid = await postJson(`${backend.urls.payment}/payments`, { user_id: "full", amount_cents: 100 }, { "idempotency-key": "before-the-limit" });
    expect(paid.status).to.equal(201);
    await backend.settle(); // payment's notification, written in the background
    const keysBefore = (await admin.keys("*")).sort();

    const used = Number(/used_memory:(\d+)/.exec(await admin.info("memory"))![1]);
    await admin.configSet("maxmemory", String(Math.floor(used / 2)));
    try {
      const refused = await add("full");
      expect(refused.status).to.equal(503);
      expect((await refused.json()).error.code).to.equal("store_unavailable");
      const charge = await postJson(`${backend.urls.payment}/payments`, { user_id: "full", amount_cents: 100 }, { "idempotency-key": "at-the-limit" });
      expect(charge.status, "no charge is decided that cannot be recorded").to.equal(503);
      const replay = await postJson(`${backend.urls.payment}/payments`, { user_id: "full", amount_cents: 100 }, { "idempotency-key": "before-the-limit" });
      expect(replay.status, "a recorded charge still replays (a read)").to.equal(200);
      const cart = Cart.parse(await (await fetch(`${backend.urls.cart}/cart/full`)).json());
      expect(cart.items).to.deep.equal([{ product_id: "1", quantity: 1 }]);
      expect((await admin.keys("*")).sort(), "nothing was evicted").to.deep.equal(keysBefore);
      expect(Object.keys(await admin.hGetAll("payments"))).to.have.length(1);
    } finally {
      await admin.configSet("maxmemory", "64mb");
    }
    expect((await add("full")).status).to.equal(200);
  });
});
