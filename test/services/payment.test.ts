import { expect } from "chai";
import { Payment } from "../../services/contracts/payment";
import { createNotificationsService } from "../../services/notifications/notifications-app";
import { createPaymentApp, type PaymentDeps } from "../../services/payment/payment-app";
import { BackgroundTasks } from "../../services/kit/background";
import { fault } from "../../services/kit/faults";
import type { RunningServer } from "../../services/kit/server";
import { closedUrl, hangs } from "../support/loopback-http";
import { testKit } from "../support/kit";
import { postJson, redisSuite } from "../support/services";
import { waitFor } from "../support/wait";

const CHARGE = { user_id: "user123", amount_cents: 3497 };

describe("payment over HTTP with a real Redis and a real notifications service", function () {
  const { redis, stack } = redisSuite();
  let notifications: RunningServer;
  let background: BackgroundTasks;
  let logs: Record<string, unknown>[];

  async function startPayment(options: Partial<Pick<PaymentDeps, "faults" | "timeoutDelayMs">> & { version?: string; notificationsUrl?: string } = {}) {
    const t = testKit("payment", { version: options.version ?? "v1" });
    logs = t.logs;
    background = new BackgroundTasks(t.kit.logger);
    const app = createPaymentApp({
      kit: t.kit,
      redis: await stack.redis(redis.url, 500),
      notifications: stack.upstream("notifications", options.notificationsUrl ?? notifications.url, { timeoutMs: 2_000 }),
      background,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.timeoutDelayMs !== undefined ? { timeoutDelayMs: options.timeoutDelayMs } : {}),
    });
    stack.defer(() => background.idle(2_000));
    return stack.serve(app);
  }

  const pay = (server: RunningServer, key: string | undefined, body: unknown = CHARGE, signal?: AbortSignal) =>
    fetch(`${server.url}/payments`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
      ...(signal ? { signal } : {}),
    });
  const charges = async () => (await redis.client()).hLen("payments");

  beforeEach(async () => {
    const service = createNotificationsService({ kit: testKit("notifications").kit, redis: await stack.redis(redis.url) });
    notifications = await stack.serve(service.app);
  });

  it("approves a payment, reporting its version", async () => {
    const server = await startPayment();
    const response = await pay(server, "key-1");
    expect(response.status).to.equal(201);
    const payment = Payment.parse(await response.json());
    expect(payment).to.include({ status: "approved", version: "v1", user_id: "user123", amount_cents: 3497 });
    expect(payment.payment_id).to.match(/^pay_/);
    expect(await charges()).to.equal(1);
  });

  it("reports v2 when it runs as v2", async () => {
    const server = await startPayment({ version: "v2" });
    expect((await (await pay(server, "key-v2")).json()).version).to.equal("v2");
  });

  it("the same key returns the stored result and never charges twice", async () => {
    const server = await startPayment();
    const first = await (await pay(server, "key-2")).json();
    const again = await pay(server, "key-2");
    expect(again.status).to.equal(200);
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    expect(await again.json()).to.deep.equal(first);
    expect(await charges()).to.equal(1);
  });

  it("the same key with a different body is a 422 and charges nothing", async () => {
    const server = await startPayment();
    await pay(server, "key-3");
    const other = await pay(server, "key-3", { ...CHARGE, amount_cents: 1 });
    expect(other.status).to.equal(422);
    expect((await other.json()).error.code).to.equal("idempotency_key_reused");
    expect(await charges()).to.equal(1);
  });

  it("concurrent requests with one key charge once", async () => {
    const server = await startPayment();
    const responses = await Promise.all(Array.from({ length: 30 }, () => pay(server, "key-race")));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(await charges()).to.equal(1);
    const decided = bodies.filter((_b, i) => responses[i]!.status === 201 || responses[i]!.status === 200);
    expect(responses.filter((r) => r.status === 201)).to.have.length(1);
    expect(new Set(decided.map((b) => b.payment_id)).size).to.equal(1);
    for (const [i, r] of responses.entries()) {
      expect([200, 201, 409], JSON.stringify(bodies[i])).to.include(r.status);
      if (r.status === 409) expect(bodies[i].error.code).to.equal("payment_in_progress");
    }
  });

  it("declines at PAYMENT_DECLINE_RATE, and a retry returns the same decline", async () => {
    const server = await startPayment({ faults: { decline: fault(1) } });
    const declined = await (await pay(server, "key-4")).json();
    expect(declined.status).to.equal("declined");
    expect((await (await pay(server, "key-4")).json()).payment_id).to.equal(declined.payment_id);
    expect(await charges()).to.equal(1);
  });

  it("an injected timeout holds the answer past the caller's timeout, bounded, with the decision recorded for the retry", async () => {
    const server = await startPayment({ faults: { timeout: fault(1) }, timeoutDelayMs: 2_000 });
    const started = Date.now();
    const timedOut = await pay(server, "key-5", CHARGE, AbortSignal.timeout(200)).then(
      () => "answered",
      (err: Error) => err.name,
    );
    expect(timedOut).to.equal("TimeoutError");
    const retry = await pay(server, "key-5");
    expect(retry.status, "the retry gets the recorded decision at once").to.equal(200);
    expect(Date.now() - started, "well before the held answer").to.be.below(1_500);
    expect(await charges()).to.equal(1);
    const slow = await pay(server, "key-6");
    expect(slow.status, "the held answer does come, after the delay").to.equal(201);
  });

  it("tells notifications about the payment in the background", async () => {
    const server = await startPayment();
    const payment = await (await pay(server, "key-7")).json();
    await background.idle(2_000);
    const { notifications: list } = await (await fetch(`${notifications.url}/notifications/user123`)).json();
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ id: `payment-${payment.payment_id}`, type: "payment.approved", message: "Payment of $34.97 approved." });
  });

  it("answers promptly when notifications is down or hangs, logging the failed notification", async () => {
    const hanging = await hangs();
    stack.defer(() => hanging.close());
    for (const [i, url] of [await closedUrl(), hanging.url].entries()) {
      const server = await startPayment({ notificationsUrl: url });
      const started = Date.now();
      const response = await pay(server, `key-down-${i}`);
      expect(response.status).to.equal(201);
      expect(Date.now() - started, "not waiting for the 2 s notification timeout").to.be.below(1_000);
      await waitFor("the failure to be logged", () => logs.some((line) => line.msg === "background task failed"));
    }
  });

  describe("bad input: a JSON 4xx and no charge", () => {
    const cases: [string, string | undefined, string, number][] = [
      ["no Idempotency-Key", undefined, JSON.stringify(CHARGE), 400],
      ["an empty Idempotency-Key", "", JSON.stringify(CHARGE), 400],
      ["malformed JSON", "k", '{"user_id":', 400],
      ["missing amount", "k", JSON.stringify({ user_id: "u" }), 400],
      ["zero amount", "k", JSON.stringify({ ...CHARGE, amount_cents: 0 }), 400],
      ["negative amount", "k", JSON.stringify({ ...CHARGE, amount_cents: -5 }), 400],
      ["fractional amount", "k", JSON.stringify({ ...CHARGE, amount_cents: 10.5 }), 400],
      ["amount as a string", "k", JSON.stringify({ ...CHARGE, amount_cents: "100" }), 400],
      ["huge amount", "k", JSON.stringify({ ...CHARGE, amount_cents: 1e12 }), 400],
      ["bad user id", "k", JSON.stringify({ ...CHARGE, user_id: "<script>" }), 400],
    ];
    for (const [name, key, body, status] of cases) {
      it(`${name} → ${status}`, async () => {
        const server = await startPayment();
        const response = await fetch(`${server.url}/payments`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json", ...(key !== undefined ? { "idempotency-key": key } : {}) },
        });
        expect(response.status).to.equal(status);
        expect((await response.json()).error.code).to.be.a("string");
        expect(await charges()).to.equal(0);
        expect((await (await redis.client()).keys("payment:idem:*")).length).to.equal(0);
      });
    }

    it("GET /payments is a 405, and only /payments exists", async () => {
      const server = await startPayment();
      expect((await fetch(`${server.url}/payments`)).status).to.equal(405);
      expect((await fetch(`${server.url}/payments/1`)).status).to.equal(404);
    });
  });

  it("Redis down → fast 503 and /readyz 503; recovers without a restart", async () => {
    const server = await startPayment();
    await redis.stop();
    await waitFor("readiness to fail", async () => (await fetch(`${server.url}/readyz`)).status === 503);
    const started = Date.now();
    const response = await pay(server, "key-down");
    expect(Date.now() - started).to.be.below(1_000);
    expect(response.status).to.equal(503);
    expect((await response.json()).error.code).to.equal("store_unavailable");
    await redis.restart();
    await waitFor("readiness", async () => (await fetch(`${server.url}/readyz`)).status === 200, { timeoutMs: 10_000 });
    expect((await pay(server, "key-down")).status).to.equal(201);
  });
});
