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
    const notifications = await start("notifications", { REDIS_TIMEOUT_MS: "5000" });
    const entriesRead = async () => Number((await client.xInfoGroups("events"))[0]?.["entries-read"] ?? 0);
    await waitFor("the consumer under way", async () => (await entriesRead()) >= 100, { timeoutMs: 10_000, intervalMs: 5 });
    // Redis holds every write for a moment: the entry in hand waits on its write while the process is told to stop
    await client.sendCommand(["CLIENT", "PAUSE", "500", "WRITE"]);
    notifications.child.kill("SIGTERM");
    expect((await notifications.exited).code).to.equal(0);
    const read = await entriesRead();
    expect(read, "the backlog was not all read before the stop").to.be.below(5_000);
    const { pending } = await client.xPending("events", "notifications");
    expect(pending, `entries read (${read}) but never acknowledged`).to.equal(0);
    expect(notifications.lines.filter((line) => line.includes('"level":"warn"') || line.includes('"level":"error"')), "a clean stop").to.deep.equal([]);
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
