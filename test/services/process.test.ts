/**
 * The services as real processes, from the bundles `npm start` and the images
 * run: configuration errors, graceful SIGTERM drain, recovery from a Redis
 * that was down at startup.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import type { ServiceName } from "../../services/topology";
import { activeMutant } from "../support/active-mutant";
import { bundle } from "../support/test-dist";
import { closedUrl } from "../support/loopback-http";
import { startTestRedis, type TestRedis } from "../support/test-redis";
import { postJson } from "../support/services";
import { waitFor } from "../support/wait";

describe("services as processes (the built bundles)", function () {
  this.timeout(30_000);
  let dist: string;
  let redis: TestRedis;
  const running: ServiceProcess[] = [];

  async function start(service: ServiceName, env: Record<string, string> = {}): Promise<ServiceProcess & { url: string; lines: string[] }> {
    const lines: string[] = [];
    const started = await spawnService({
      service,
      distDir: dist,
      env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", REDIS_URL: redis.url, ...activeMutant(), ...env },
      onLine: (line) => lines.push(line),
    });
    running.push(started);
    return { ...started, url: `http://127.0.0.1:${started.port}`, lines };
  }

  /** Runs a bundle to its end; resolves with the exit code and output. */
  function runToExit(service: ServiceName, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(dist, "services", `${service}.mjs`)], { env: { PATH: process.env.PATH, ...activeMutant(), ...env } });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("exit", (code) => resolve({ code, output }));
    });
  }

  before(async function () {
    this.timeout(60_000);
    [dist, redis] = await Promise.all([bundle(), startTestRedis()]);
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
      await p.exited;
    }
    if (!redis.running) await redis.restart();
  });
  after(async () => {
    await redis.close();
  });

  it("refuses a bad configuration at once, naming the variable", async () => {
    const port = await runToExit("users", { PORT: "http" });
    expect(port.code).to.equal(1);
    expect(port.output).to.include('PORT: must be a whole number; got \\"http\\"');
    const rate = await runToExit("catalog", { PORT: "0", CATALOG_ERROR_RATE: "5%" });
    expect(rate.code).to.equal(1);
    expect(rate.output).to.include("CATALOG_ERROR_RATE: must be a number between 0 and 1");
  });

  it("an idle service exits 0 promptly on SIGTERM", async () => {
    const users = await start("users");
    expect(await (await fetch(`${users.url}/users/1`)).text()).to.equal('{"id":1,"name":"Alice"}');
    const started = Date.now();
    users.child.kill("SIGTERM");
    const { code } = await users.exited;
    expect(code).to.equal(0);
    expect(Date.now() - started).to.be.below(2_000);
  });

  it("SIGTERM drains the in-flight request, refuses new ones, then exits 0", async () => {
    const payment = await start("payment", { PAYMENT_TIMEOUT_RATE: "1", PAYMENT_TIMEOUT_DELAY_MS: "1000", NOTIFICATIONS_URL: await closedUrl() });
    await waitFor("readiness", async () => (await fetch(`${payment.url}/readyz`)).ok);
    const inFlight = postJson(`${payment.url}/payments`, { user_id: "u1", amount_cents: 100 }, { "idempotency-key": "drain-1" });
    const client = await redis.client();
    await waitFor("the payment to be decided", async () => (await client.exists("payment:idem:unidentified:drain-1")) === 1);
    payment.child.kill("SIGTERM");
    let exitedAt = 0;
    void payment.exited.then(() => (exitedAt = Date.now()));
    await waitFor("the listener to close", async () =>
      fetch(`${payment.url}/healthz`).then(
        () => false,
        () => true,
      ),
    );
    const response = await inFlight;
    const answeredAt = Date.now();
    expect(response.status).to.equal(201);
    expect((await response.json()).status).to.equal("approved");
    const { code } = await payment.exited;
    expect(code).to.equal(0);
    expect(exitedAt).to.be.at.least(answeredAt - 50);
    expect(payment.lines.some((line) => line.includes('"msg":"stopped"') && line.includes('"drained":true'))).to.equal(true);
  });

  it("notifications stops its stream consumer and exits 0 promptly", async () => {
    const notifications = await start("notifications", { REDIS_TIMEOUT_MS: "2000" });
    const client = await redis.client();
    await waitFor("the consumer group", async () => (await client.exists("events")) === 1);
    const started = Date.now();
    notifications.child.kill("SIGTERM");
    expect((await notifications.exited).code).to.equal(0);
    expect(Date.now() - started).to.be.below(3_000);
  });

  it("notifications, stopped in the middle of a batch, finishes and acknowledges the batch in hand before Redis closes", async () => {
    await redis.flush();
    const client = await redis.client();
    // a backlog of thousands, so that SIGTERM finds the consumer handling a batch, not waiting for one
    await Promise.all(Array.from({ length: 5_000 }, (_, i) => client.xAdd("events", "*", { type: "order.created", order_id: String(i + 1), user_id: `backlog-${i % 10}`, total_cents: "100" })));
    // a command timeout well above the pause below (the default is 2 s), so that no write held by it fails
    const notifications = await start("notifications", { REDIS_TIMEOUT_MS: "5000" });
    const entriesRead = async () => Number((await client.xInfoGroups("events"))[0]?.["entries-read"] ?? 0);
    await waitFor("the consumer under way", async () => (await entriesRead()) >= 100, { timeoutMs: 10_000, intervalMs: 5 });
    // Redis holds every write for a moment (XREADGROUP, XACK and the store's script included; XPENDING is a read):
    // the entry in hand waits on its write while the process is told to stop. A pause that caught the consumer
    // between batches, waiting on its read with nothing pending, is lifted and tried again.
    await waitFor("a pause with a batch in hand", async () => {
      await client.sendCommand(["CLIENT", "PAUSE", "500", "WRITE"]);
      if ((await client.xPending("events", "notifications")).pending > 0) return true;
      await client.sendCommand(["CLIENT", "UNPAUSE"]);
      return false;
    }, { timeoutMs: 10_000, intervalMs: 5 });
    notifications.child.kill("SIGTERM");
    expect((await notifications.exited).code).to.equal(0);
    const read = await entriesRead();
    expect(read, "the backlog was not all read before the stop").to.be.below(5_000);
    const { pending } = await client.xPending("events", "notifications");
    expect(pending, `entries read (${read}) but never acknowledged`).to.equal(0);
    expect(notifications.lines.filter((line) => line.includes('"level":"warn"') || line.includes('"level":"error"')), "a clean stop").to.deep.equal([]);
  });

  it("a write Redis still holds when the drain runs out lands: the service waits for its reply before it lets go of Redis", async () => {
    await redis.flush();
    const client = await redis.client();
    // the drain's bound far under the pause below; the command timeout above it, so the held write does not time out
    const first = await start("notifications", { SHUTDOWN_TIMEOUT_MS: "200", REDIS_TIMEOUT_MS: "5000" });
    await waitFor("readiness", async () => (await fetch(`${first.url}/readyz`)).ok);
    const post = (id: string) => postJson(`${first.url}/notifications`, { id, user_id: "held", type: "message", message: id });
    expect((await post("ntf_warm")).status, "the store's script loaded, so the next write is one EVALSHA").to.equal(201);
    await client.sendCommand(["CLIENT", "PAUSE", "1500", "WRITE"]);
    const held = post("ntf_held").catch(() => undefined);
    await waitFor("the write held by Redis", async () => String(await client.sendCommand(["CLIENT", "LIST"])).split("\n").some((line) => line.includes("flags=b") && line.includes("cmd=evalsha")), { timeoutMs: 1_000, intervalMs: 5 });
    first.child.kill("SIGTERM");
    expect((await first.exited).code, "the drain was cut short").to.equal(1);
    await held; // ended by the drain's bound, with or without an answer: what matters is where the write went
    const second = await start("notifications");
    const listed = await (await fetch(`${second.url}/notifications/held`)).json();
    expect(listed.notifications.map((n: { id: string }) => n.id).sort()).to.deep.equal(["ntf_held", "ntf_warm"]);
  });

  it("starts while Redis is down (not ready, 503s) and recovers by itself when Redis comes", async () => {
    await redis.stop();
    const cart = await start("cart", { CATALOG_URL: await closedUrl() });
    const notReady = await fetch(`${cart.url}/readyz`);
    expect(notReady.status).to.equal(503);
    expect((await notReady.json()).error.message).to.match(/redis/);
    expect((await fetch(`${cart.url}/cart/u1`)).status).to.equal(503);
    expect((await fetch(`${cart.url}/healthz`)).status).to.equal(200);
    await redis.restart();
    await waitFor("readiness", async () => (await fetch(`${cart.url}/readyz`)).ok, { timeoutMs: 10_000 });
    expect((await fetch(`${cart.url}/cart/u1`)).status).to.equal(200);
  });
});
