/**
 * The business-logic section of the hostile suite: not malformed input, but
 * well-formed requests an attacker sends to the running shop through the
 * gateway (what the Ingress exposes), each one an attack that once worked:
 *
 *   - forging an order (POST /api/orders) or reaching payment, notifications
 *     and the services' operational endpoints through /api;
 *   - cross-origin state changes (CSRF) from another origin's page;
 *   - a slow chunked body that holds a request open;
 *   - oversized trace and id headers that multiply every service's log volume;
 *   - internal detail (Redis errors, upstream names) in public error bodies;
 *   - a password in REDIS_URL written to the logs.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { SERVICE_NAMES, type ServiceName } from "../../../services/topology";
import { bundle } from "../../support/test-dist";
import { startTestRedis, type TestRedis } from "../../support/test-redis";
import { waitFor } from "../../support/wait";
import { parseAnswer, rawRequest, type RawAnswer } from "../support/raw-http";
import { alive, startScenarioShop, type ScenarioShop } from "../support/scenario-shop";
import { activeMutant } from "../../support/active-mutant";

/** How long a client may take to send a whole request, in this section's shop (ms). */
const RECEIVE_TIMEOUT_MS = 1_000;

/** The fixed public message of each 5xx code at the gateway (services/gateway/public-errors.ts says the same). */
const PLAIN_5XX = /^[A-Z][a-z ,']+\.$/;

async function call(shop: ScenarioShop, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { host: `127.0.0.1:${shop.ports.gateway}`, connection: "close", ...init.headers };
  if (init.body !== undefined) {
    headers["content-type"] ??= "application/json";
    headers["content-length"] = String(Buffer.byteLength(init.body));
  }
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`;
  return rawRequest(shop.ports.gateway, head + (init.body ?? ""));
}

const json = (answer: RawAnswer) => JSON.parse(answer.body) as { error?: Record<string, unknown>; items?: unknown[]; orders?: unknown[] };

/** Bytes of log lines carrying `requestId`, per service. */
function logBytes(shop: ScenarioShop, requestId: string): Partial<Record<ServiceName, number>> {
  const out: Partial<Record<ServiceName, number>> = {};
  for (const [service, lines] of shop.logs) {
    const bytes = lines.filter((line) => line.includes(`"request_id":"${requestId}"`)).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    if (bytes) out[service] = bytes;
  }
  return out;
}

const total = (bytes: Partial<Record<ServiceName, number>>) => Object.values(bytes).reduce((sum, n) => sum + n, 0);

export function describeBusinessLogic(): void {
  describe("resilience: business-logic attacks through the gateway", function () {
    this.timeout(120_000);
    let redis: TestRedis;
    let shop: ScenarioShop;
    let users = 0;
    const shopper = () => `attacker-victim-${process.pid}-${++users}`;

    before(async function () {
      this.timeout(90_000);
      redis = await startTestRedis();
      shop = await startScenarioShop({ redisUrl: redis.url, env: { REQUEST_RECEIVE_TIMEOUT_MS: String(RECEIVE_TIMEOUT_MS), REDIS_TIMEOUT_MS: "300" } });
    });
    after(async function () {
      this.timeout(30_000);
      await shop?.stop();
      await redis?.close();
    });
    afterEach(() => {
      expect(shop.exitedOnItsOwn(), "no process exited").to.equal(undefined);
      expect(SERVICE_NAMES.filter((name) => !alive(shop.pids[name])), "every process still runs").to.deep.equal([]);
    });

    it("an order cannot be forged through the gateway, nor payment, notifications or operational endpoints reached", async () => {
      const victim = shopper();
      const forged = { user_id: victim, items: [{ product_id: "1", name: "Mesh Hoodie", quantity: 1, unit_price_cents: 1 }], total_cents: 1, payment_id: "pay-forged" };
      const attempts: [string, string, unknown?][] = [
        ["POST", "/api/orders", forged],
        ["POST", "/api/orders/1", forged],
        ["PUT", "/api/orders/1", forged],
        ["POST", "/api/payments", { user_id: victim, amount_cents: 100 }],
        ["POST", "/api/notifications", { id: "n-forged", user_id: victim, type: "order.created", message: "Order confirmed" }],
        ["GET", `/api/notifications/${victim}`],
        ["GET", "/api/products/1/metrics"],
        ["GET", "/api/cart/healthz/readyz"],
        ["GET", "/api/metrics"],
        ["GET", "/api/healthz"],
        ["GET", "/api/users/1/orders"],
        ["GET", `/api/cart/${victim}/add`],
        ["POST", "/api/products", { name: "x" }],
      ];
      for (const [method, path, body] of attempts) {
        const answer = await call(shop, method, path, { headers: { "idempotency-key": `forge-${victim}` }, ...(body ? { body: JSON.stringify(body) } : {}) });
        expect(answer.status, `${method} ${path}`).to.be.oneOf([404, 405]);
        expect(json(answer).error?.code, `${method} ${path}`).to.be.oneOf(["not_found", "method_not_allowed"]);
        expect(answer.headers["cache-control"], `${method} ${path}`).to.equal("no-store");
      }
      const orders = await call(shop, "GET", `/api/orders?user_id=${victim}`);
      expect(orders.status).to.equal(200);
      expect(json(orders).orders, "no order was created").to.deep.equal([]);
      expect((await call(shop, "GET", "/api/products")).headers["cache-control"]).to.equal("no-store");
    });

    it("refuses cross-origin state changes (CSRF) with a JSON 403, and keeps same-origin and header-less clients working", async () => {
      const victim = shopper();
      const add = JSON.stringify({ product_id: "1", quantity: 1 });
      const own = `http://127.0.0.1:${shop.ports.gateway}`;
      const refused: Record<string, string>[] = [
        { origin: "http://evil.example" },
        { origin: "http://127.0.0.1:1" },
        { origin: "null" },
        { "sec-fetch-site": "cross-site" },
        { "sec-fetch-site": "same-site", origin: "http://127.0.0.1:1" },
        { "sec-fetch-site": "cross-site", origin: own },
      ];
      for (const headers of refused) {
        for (const [method, path, body] of [
          ["POST", `/api/cart/${victim}/add`, add],
          ["POST", `/api/cart/${victim}/checkout`, undefined],
          ["DELETE", `/api/cart/${victim}/items/1`, undefined],
        ] as const) {
          const answer = await call(shop, method, path, { headers, ...(body ? { body } : {}) });
          expect(answer.status, `${method} ${path} with ${JSON.stringify(headers)}`).to.equal(403);
          expect(json(answer).error?.code).to.equal("cross_origin_refused");
        }
      }
      expect(json(await call(shop, "GET", `/api/cart/${victim}`)).items, "the cart is unchanged").to.deep.equal([]);
      // the storefront's own requests, and clients that send neither header (curl, the load generator)
      expect((await call(shop, "POST", `/api/cart/${victim}/add`, { headers: { origin: own, "sec-fetch-site": "same-origin" }, body: add })).status).to.equal(200);
      expect((await call(shop, "POST", `/api/cart/${victim}/add`, { body: add })).status).to.equal(200);
      // reads stay open to any origin's navigation
      expect((await call(shop, "GET", `/api/cart/${victim}`, { headers: { "sec-fetch-site": "cross-site", origin: "http://evil.example" } })).status).to.equal(200);
    });

    it("a slow chunked body gets a JSON 408 and the connection closes, within the receive deadline", async () => {
      const started = Date.now();
      const answer = await new Promise<{ answer: RawAnswer; closed: boolean }>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: shop.ports.gateway });
        let received = "";
        const drip = setInterval(() => socket.writable && socket.write("1\r\n \r\n"), 1_000);
        const giveUp = setTimeout(() => {
          clearInterval(drip);
          socket.destroy();
          reject(new Error(`still open after 15 s; received ${JSON.stringify(received.slice(0, 200))}`));
        }, 15_000);
        socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearInterval(drip);
          clearTimeout(giveUp);
          resolve({ answer: parseAnswer(received), closed: true });
        });
        socket.write(`POST /api/cart/${shopper()}/add HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n1\r\n{\r\n`);
      });
      const elapsed = Date.now() - started;
      expect(answer.answer.status, answer.answer.body).to.equal(408);
      expect(JSON.parse(answer.answer.body).error.code).to.equal("request_timeout");
      expect(answer.closed).to.equal(true);
      expect(elapsed, "closed near the receive deadline").to.be.within(RECEIVE_TIMEOUT_MS - 100, RECEIVE_TIMEOUT_MS + 3_000);
    });

    it("oversized trace and id headers are dropped: one request's log volume stays bounded on every service on its path", async () => {
      const path = "/api/orders/1";
      const base = await call(shop, "GET", path, { headers: { "x-request-id": "probe-base" } });
      expect(base.status).to.equal(200);
      const hostile = {
        traceparent: `00-${"a".repeat(8 * 1024)}-00f067aa0ba902b7-01`,
        tracestate: `k=${"v".repeat(2 * 1024)}`,
        b3: "b".repeat(1024),
        "x-b3-traceid": "c".repeat(1024),
        baggage: `k=${"d".repeat(1024)}`,
      };
      const big = await call(shop, "GET", path, { headers: { "x-request-id": "probe-big", ...hostile } });
      expect(big.status).to.equal(200);
      const seen = (id: string) => waitFor(`the log lines of ${id} on gateway, orders and users`, () => {
        const bytes = logBytes(shop, id);
        return bytes.gateway && bytes.orders && bytes.users ? bytes : undefined;
      });
      const [baseBytes, bigBytes] = [await seen("probe-base"), await seen("probe-big")];
      process.stdout.write(`      measured: log bytes of one GET /api/orders/1: ${total(baseBytes)} plain, ${total(bigBytes)} with ~12 KiB of hostile trace headers ${JSON.stringify(bigBytes)}\n`);
      expect(total(bigBytes), `log bytes with hostile headers ${JSON.stringify(bigBytes)} vs ${JSON.stringify(baseBytes)}`).to.be.at.most(total(baseBytes) + 256);
      for (const lines of shop.logs.values()) expect(lines.some((line) => line.includes("a".repeat(200)))).to.equal(false);

      // an oversized or unsafe request id is replaced, not echoed or logged
      const longId = "r".repeat(4 * 1024);
      const replaced = await call(shop, "GET", path, { headers: { "x-request-id": longId } });
      expect(replaced.status).to.equal(200);
      expect(replaced.headers["x-request-id"]).to.match(/^[A-Za-z0-9._-]{1,128}$/);
      await waitFor("the replaced id's line", () => total(logBytes(shop, replaced.headers["x-request-id"]!)) > 0);
      for (const lines of shop.logs.values()) expect(lines.some((line) => line.includes(longId.slice(0, 200)))).to.equal(false);
    });

    it("public errors are generic: a Redis failure behind cart reaches the shopper as {code, message, request_id} only", async () => {
      const victim = shopper();
      redis.pause();
      let answer: RawAnswer;
      try {
        answer = await call(shop, "POST", `/api/cart/${victim}/add`, { headers: { "x-request-id": "probe-redis-down" }, body: JSON.stringify({ product_id: "1", quantity: 1 }) });
      } finally {
        redis.resume();
      }
      expect(answer.status).to.be.oneOf([503, 504]);
      const error = json(answer).error!;
      expect(Object.keys(error).sort()).to.deep.equal(["code", "message", "request_id"]);
      expect(error.request_id).to.equal("probe-redis-down");
      expect(error.message).to.match(PLAIN_5XX);
      expect(String(error.message)).not.to.match(/redis|cart|timeout after|ms\b|\d{3,}/i);
      // the detail stays in the logs, under the same request id
      await waitFor("cart's log of the store failure", () => shop.logs.get("cart")?.some((line) => line.includes("probe-redis-down") && line.includes('"status":5')));
    });
  });

  describe("resilience: a password in REDIS_URL is never logged", function () {
    this.timeout(60_000);
    const password = `pw-${process.pid}-s3cret`;
    let redis: TestRedis;
    before(async () => {
      redis = await startTestRedis({ password });
    });
    after(() => redis?.close());

    it("a service started with redis://user:pw@… logs the URL with its credentials masked, connected or not", async () => {
      const dist = await bundle();
      const url = redis.url.replace("redis://", `redis://default:${password}@`);
      const output: string[] = [];
      const child = spawn(process.execPath, [join(dist, "services", "orders.mjs")], {
        env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", REDIS_URL: url, USERS_URL: "http://127.0.0.1:9", REDIS_TIMEOUT_MS: "200", ...activeMutant() },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
      try {
        await waitFor("orders to connect to Redis", () => output.join("").includes("redis connected"), { timeoutMs: 20_000 });
        await redis.stop();
        await waitFor("orders to notice Redis is gone", () => output.join("").includes("redis unavailable"), { timeoutMs: 20_000 });
      } finally {
        child.kill("SIGTERM");
        await exited;
      }
      const text = output.join("");
      expect(text, "the URL is logged, its credentials masked").to.match(/"url":"redis:\/\/default(:\*\*\*)?@127\.0\.0\.1:\d+"/);
      expect(text.includes(password), "the password appears in the logs").to.equal(false);
      await redis.restart();
    });
  });
}
