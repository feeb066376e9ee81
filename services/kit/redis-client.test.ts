import { expect } from "chai";
import { ErrorReply } from "redis";
import { testKit } from "../../test/support/kit";
import { startTestRedis, type TestRedis } from "../../test/support/test-redis";
import { waitFor } from "../../test/support/wait";
import { toAppError } from "./errors";
import { closedUrl } from "../../test/support/loopback-http";
import { closeRedis, connectInBackground, createRedis, LuaScript, onEveryConnect, redisReadiness, type RedisClient } from "./redis-client";

describe("kit: Redis client", function () {
  let redis: TestRedis;
  const clients: RedisClient[] = [];

  function connect(url: string, options: { timeoutMs?: number; password?: string } = {}): RedisClient {
    const { kit } = testKit("kit");
    const client = createRedis({ url, timeoutMs: options.timeoutMs ?? 500, logger: kit.logger, password: options.password });
    connectInBackground(client, kit.logger);
    clients.push(client);
    return client;
  }

  before(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    redis.resume();
    if (!redis.running) await redis.restart();
    await Promise.all(clients.splice(0).map((client) => closeRedis(client)));
  });
  after(async () => {
    await redis.close();
  });

  it("is ready when Redis answers, fails fast with a 503 while it is down, and recovers without a restart", async () => {
    const client = connect(redis.url);
    const readiness = redisReadiness(client);
    await waitFor("readiness", async () => (await readiness()) === null);
    await client.set("k", "v");

    await redis.stop();
    await waitFor("the client to notice", () => !client.isReady);
    const started = Date.now();
    const err = await client.get("k").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started, "fails at once, no offline queue").to.be.below(500);
    const { error } = toAppError(err);
    expect(error.status).to.equal(503);
    expect(error.code).to.equal("store_unavailable");
    expect(await readiness()).to.equal("redis is not connected");

    await redis.restart();
    await waitFor("recovery", async () => (await readiness()) === null, { timeoutMs: 10_000 });
    expect(await client.get("k"), "the restarted Redis is empty").to.equal(null);
  });

  it("fails in-flight commands within the timeout when Redis hangs", async () => {
    const client = connect(redis.url, { timeoutMs: 400 });
    await waitFor("connected", () => client.isReady);
    redis.pause();
    const started = Date.now();
    const err = await client.set("k", "v").then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(toAppError(err).error.status).to.equal(503);
    expect(elapsed).to.be.within(300, 2_000);
    redis.resume();
    await waitFor("recovery", () => client.isReady, { timeoutMs: 10_000 });
    expect(await client.set("k", "v")).to.equal("OK");
  });

  it("authenticates with the password, and is not ready without it", async () => {
    const secured = await startTestRedis({ password: "correct horse" });
    try {
      const good = connect(secured.url, { password: "correct horse" });
      await waitFor("authenticated", async () => (await redisReadiness(good)()) === null);
      const bad = connect(secured.url);
      await waitFor("an attempt", async () => (await redisReadiness(bad)()) !== null);
      expect(await redisReadiness(bad)()).to.be.a("string");
    } finally {
      await secured.close();
    }
  });

  it("connects as the ACL user named in the URL with the password given apart (REDIS_URL=redis://cart@…, REDIS_PASSWORD), never logging it", async () => {
    const { kit, logs } = testKit("kit");
    const asAdmin = new URL(redis.url);
    const cart = new URL(redis.userUrl("cart"));
    const password = decodeURIComponent(cart.password);
    cart.password = "";
    const client = createRedis({ url: cart.toString(), password, timeoutMs: 500, logger: kit.logger });
    connectInBackground(client, kit.logger);
    clients.push(client);
    await waitFor("authenticated as cart", async () => (await redisReadiness(client)()) === null);
    expect(await client.set("cart:u:items", "x")).to.equal("OK");
    expect(await client.set("payment:idem:x", "x").catch((err: Error) => err.message)).to.match(/^NOPERM/);
    expect(asAdmin.username).to.equal("admin");
    const logged = JSON.stringify(logs);
    expect(logged).to.include(`redis://cart@127.0.0.1:${redis.port}`);
    expect(logged).not.to.include(password);
  });

  it("runs a connect task once the client is ready, never before, and again after every reconnect; a failed run is logged, not thrown", async () => {
    const { kit, logs } = testKit("kit");
    const client = createRedis({ url: redis.url, timeoutMs: 500, logger: kit.logger });
    clients.push(client);
    const runs: boolean[] = [];
    onEveryConnect(client, kit.logger, "seeding", async () => {
      runs.push(client.isReady);
      if (runs.length === 1) throw new Error("seed refused");
    });
    expect(runs, "not connected yet: nothing run").to.deep.equal([]);
    connectInBackground(client, kit.logger);
    await waitFor("the first run", () => runs.length === 1);
    await waitFor("its failure logged", () => logs.some((line) => line.msg === "seeding failed"));
    expect(logs.filter((line) => line.msg === "seeding failed").map((line) => ({ level: line.level, err: line.err }))).to.deep.equal([{ level: "warn", err: "seed refused" }]);
    await redis.stop();
    await redis.restart();
    await waitFor("the run after the reconnect", () => runs.length === 2, { timeoutMs: 10_000 });
    expect(runs, "each run on a ready client").to.deep.equal([true, true]);

    // a client already ready runs the task at once
    const late: string[] = [];
    onEveryConnect(client, kit.logger, "late", async () => void late.push("ran"));
    expect(late).to.deep.equal(["ran"]);
  });

  it("says at debug, and only there, that a connection still being made was given up (the client closed first)", async () => {
    const { kit, logs } = testKit("kit");
    const client = createRedis({ url: (await closedUrl()).replace("http://", "redis://"), timeoutMs: 500, logger: kit.logger });
    connectInBackground(client, kit.logger);
    client.destroy();
    await waitFor("the abandoned connect logged", () => logs.some((line) => line.msg === "redis connect abandoned"));
    const line = logs.find((l) => l.msg === "redis connect abandoned")!;
    expect({ level: line.level, err: typeof line.err }).to.deep.equal({ level: "debug", err: "string" });
  });

  it("maps replies meaning 'cannot serve now' to 503, and our own mistakes to 500", () => {
    expect(toAppError(new ErrorReply("NOAUTH Authentication required.")).error.status).to.equal(503);
    expect(toAppError(new ErrorReply("LOADING Redis is loading the dataset in memory")).error.status).to.equal(503);
    expect(toAppError(new ErrorReply("ERR wrong number of arguments for 'get' command")).error.status).to.equal(500);
  });

  it("runs Lua scripts by SHA and reloads them into a restarted Redis", async () => {
    const client = connect(redis.url);
    await waitFor("connected", () => client.isReady);
    const script = new LuaScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    expect(await script.run(client, ["n"], [2])).to.equal(2);
    expect(await script.run(client, ["n"], [3])).to.equal(5);
    await redis.restart();
    await waitFor("recovery", () => client.isReady, { timeoutMs: 10_000 });
    expect(await script.run(client, ["n"], [4]), "NOSCRIPT falls back to EVAL").to.equal(4);
  });
});
