/**
 * Redis least privilege against a real redis-server run with the ACL file of
 * services/redis-acl.ts: each service's user reaches its own keys only and
 * no dangerous command, the default user can do nothing, and the whole shop
 * works with every service connected as its own user.
 */
import { expect } from "chai";
import { createClient } from "redis";
import { CheckoutResult } from "../../services/contracts/cart";
import type { RedisClient } from "../../services/kit/redis-client";
import { REDIS_SERVICE_USERS } from "../../services/redis-acl";
import { startShop } from "../../scripts/launcher/start-shop";
import { startDurableRedis } from "../resilience/support/durable-redis";
import { bundle } from "../support/test-dist";
import { startBackend } from "../support/backend";
import { postJson, redisSuite } from "../support/services";
import { waitFor } from "../support/wait";

describe("Redis ACL users: each service reaches its own keys only", function () {
  const { redis, stack } = redisSuite();

  async function connectAs(url: string): Promise<RedisClient> {
    const client = createClient({ url, socket: { reconnectStrategy: false } }) as RedisClient;
    client.on("error", () => undefined);
    await client.connect();
    stack.defer(() => client.quit().catch(() => client.destroy()));
    return client;
  }

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "allowed",
      (err: Error) => err.message,
    );

  it("notifications' user can neither read nor write payment's keys (NOPERM)", async () => {
    const admin = await redis.client();
    await admin.set("payment:idem:cart:k", "record");
    await admin.hSet("payments", "pay_1", "{}");
    const notifications = await connectAs(redis.userUrl("notifications"));
    expect(await refusal(notifications.get("payment:idem:cart:k"))).to.match(/^NOPERM/);
    expect(await refusal(notifications.set("payment:idem:cart:k", "forged"))).to.match(/^NOPERM/);
    expect(await refusal(notifications.hGetAll("payments"))).to.match(/^NOPERM/);
    expect(await refusal(notifications.eval("return redis.call('GET', KEYS[1])", { keys: ["payment:idem:cart:k"] })), "not through a script either").to.match(/NOPERM|permission/i);
    expect(await admin.get("payment:idem:cart:k")).to.equal("record");
    expect(await notifications.set("notifications:id:x", "mine")).to.equal("OK");
  });

  it("no service can FLUSHALL, CONFIG, KEYS, DEBUG, SHUTDOWN or change the ACLs", async () => {
    const admin = await redis.client();
    await admin.set("cart:u:items", "x");
    for (const user of REDIS_SERVICE_USERS) {
      const client = await connectAs(redis.userUrl(user));
      for (const args of [["FLUSHALL"], ["FLUSHDB"], ["CONFIG", "SET", "maxmemory", "0"], ["KEYS", "*"], ["SHUTDOWN", "NOSAVE"], ["ACL", "SETUSER", user, "+@all"], ["SCRIPT", "FLUSH"], ["FUNCTION", "FLUSH"], ["MODULE", "LIST"]]) {
        expect(await refusal(client.sendCommand(args)), `${user}: ${args.join(" ")}`).to.match(/^NOPERM/);
      }
      // DEBUG is refused before the ACL check while enable-debug-command is off (Redis 7's default)
      expect(await refusal(client.sendCommand(["DEBUG", "SLEEP", "0"]))).to.match(/^(NOPERM|ERR DEBUG command not allowed)/);
    }
    expect(await admin.get("cart:u:items"), "nothing was flushed").to.equal("x");
  });

  it("the default user is off: without credentials nothing runs", async () => {
    const anonymous = createClient({ url: `redis://127.0.0.1:${redis.port}`, socket: { reconnectStrategy: false } });
    anonymous.on("error", () => undefined);
    stack.defer(async () => anonymous.destroy());
    expect(await refusal(anonymous.connect())).to.match(/^NOAUTH/);
    const legacy = createClient({ url: `redis://127.0.0.1:${redis.port}`, RESP: 2, socket: { reconnectStrategy: false } });
    legacy.on("error", () => undefined);
    await legacy.connect();
    stack.defer(async () => legacy.destroy());
    expect(await refusal(legacy.get("cart:u:items")), "RESP2, no HELLO: the first command is refused").to.match(/^NOAUTH/);
    expect(await refusal(legacy.auth({ username: "default", password: "" })), "and the default user cannot log in").to.match(/^WRONGPASS/);
  });

  it("the whole shop works with every service as its own user: add, checkout, notifications from the events stream", async () => {
    const admin = await redis.client();
    await admin.sendCommand(["ACL", "LOG", "RESET"]);
    const backend = await startBackend(stack, redis.url, {
      timeoutMs: 1_000,
      redisUrls: Object.fromEntries(REDIS_SERVICE_USERS.map((user) => [user, redis.userUrl(user)])),
    });
    expect((await postJson(`${backend.urls.cart}/cart/acl/add`, { product_id: "1", quantity: 2 })).status).to.equal(200);
    expect((await postJson(`${backend.urls.cart}/cart/acl/add`, { product_id: "2", quantity: 1 })).status).to.equal(200);
    expect((await fetch(`${backend.urls.cart}/cart/acl/items/2`, { method: "DELETE" })).status).to.equal(200);
    const response = await fetch(`${backend.urls.cart}/cart/acl/checkout`, { method: "POST" });
    expect(response.status).to.equal(201);
    const result = CheckoutResult.parse(await response.json());
    expect((await fetch(`${backend.urls.orders}/orders/${result.order_id}`)).status).to.equal(200);
    expect((await fetch(`${backend.urls.orders}/orders?user_id=acl`)).status).to.equal(200);
    await backend.settle();
    const types = await waitFor("three notifications", async () => {
      const { notifications } = (await (await fetch(`${backend.urls.notifications}/notifications/acl`)).json()) as { notifications: { type: string }[] };
      return notifications.length === 3 && notifications.map((n) => n.type).sort();
    });
    expect(types).to.deep.equal(["checkout.completed", "order.created", "payment.approved"]);
    for (const name of ["cart", "orders", "payment", "notifications"] as const) {
      expect((await fetch(`${backend.urls[name]}/readyz`)).status, name).to.equal(200);
    }
    expect(await admin.sendCommand(["ACL", "LOG"]), "no command of any service was refused (seed, consumer group, scripts)").to.deep.equal([]);
  });
});

describe("Redis ACL users with the append-only file: a restart keeps every acknowledged write", function () {
  it("replays scripted and transactional writes (run as the default user, which is off but not without the services' rights)", async () => {
    const durable = await startDurableRedis();
    try {
      const admin = await durable.client();
      await admin.eval("redis.call('HINCRBY', KEYS[1], '1', 2); redis.call('PEXPIRE', KEYS[1], ARGV[1]); return 1", { keys: ["cart:aof:items"], arguments: ["600000"] });
      await admin.multi().set("payment:idem:cart:k", "done").hSet("payments", "pay_1", "{}").exec();
      await durable.crash();
      await durable.restart();
      const after = await durable.client();
      await waitFor("the restarted Redis", async () => (await after.ping()) === "PONG");
      expect(await after.hGet("cart:aof:items", "1"), "a script's effects").to.equal("2");
      expect(await after.get("payment:idem:cart:k"), "a transaction").to.equal("done");
      expect(await after.hGet("payments", "pay_1")).to.equal("{}");
    } finally {
      await durable.close();
    }
  });
});

describe("Redis ACL users in the local shop (npm start)", function () {
  it("its own Redis refuses anonymous connections, and every service connects as its own user and works", async () => {
    const shop = await startShop({ distDir: await bundle(), ports: "free" });
    try {
      const anonymous = createClient({ url: shop.redis.url, socket: { reconnectStrategy: false } });
      anonymous.on("error", () => undefined);
      const refused = await anonymous.connect().then(
        () => "connected",
        (err: Error) => err.message,
      );
      anonymous.destroy();
      expect(refused).to.match(/^NOAUTH/);
      expect((await postJson(`${shop.urls.cart}/cart/local/add`, { product_id: "1", quantity: 1 })).status).to.equal(200);
      expect((await fetch(`${shop.urls.cart}/cart/local/checkout`, { method: "POST" })).status).to.equal(201);
      for (const name of ["orders", "payment", "notifications"] as const) expect((await fetch(`${shop.urls[name]}/readyz`)).status, name).to.equal(200);
    } finally {
      await shop.stop();
    }
  });
});
