/**
 * cart's own payment canary (the dev stack and the local shop, no mesh):
 * payment v1 and v2 served side by side on one Redis, cart choosing a version
 * per charge. The idempotency records live in that shared Redis, so a
 * checkout retried on the other version replays the first charge.
 */
import { expect } from "chai";
import { CheckoutResult } from "../../services/contracts/cart";
import { seededRandom, type Random } from "../../services/kit/faults";
import { sampleValue } from "../support/prometheus-text";
import { startBackend, switchable, type Backend } from "../support/backend";
import { postJson, redisSuite } from "../support/services";

describe("cart's payment canary over HTTP: v1 and v2 on one Redis", function () {
  const { redis, stack } = redisSuite();

  /** A random source that answers `draws` in order (then fails loudly). */
  const scripted = (...draws: number[]): Random => () => {
    const next = draws.shift();
    if (next === undefined) throw new Error("more draws than the test scripted");
    return next;
  };
  const cartUrl = (backend: Backend, user: string, path: string) => `${backend.urls.cart}/cart/${user}${path}`;
  const buy = async (backend: Backend, user: string) => {
    expect((await postJson(cartUrl(backend, user, "/add"), { product_id: "2", quantity: 1 })).status).to.equal(200);
    return fetch(cartUrl(backend, user, "/checkout"), { method: "POST" });
  };
  /** POST /payments a version answered, by status (201 charged, 200 replayed). */
  const answered = async (url: string, status: string) =>
    sampleValue(await (await fetch(`${url}/metrics`)).text(), "http_requests_total", { method: "POST", route: "/payments", status });
  async function charges() {
    const payments = Object.values(await (await redis.client()).hGetAll("payments")).map((json) => JSON.parse(json) as { version: string; status: string });
    return { v1: payments.filter((p) => p.version === "v1").length, v2: payments.filter((p) => p.version === "v2").length };
  }

  it("a checkout charged on v1 whose answer timed out, retried on v2, is charged once (v2 replays v1's charge)", async () => {
    const slowV1 = switchable(true);
    // first charge: 0.9 → v1 (not below 5%); the retry: 0.01 → v2
    const backend = await startBackend(stack, redis.url, {
      timeoutMs: 1_000,
      payment: { timeout: slowV1, timeoutDelayMs: 2_000 },
      paymentCanary: { weight: 5, random: scripted(0.9, 0.01) },
    });
    const first = await buy(backend, "retrier");
    expect(first.status).to.equal(504);
    expect(await charges(), "v1 decided and recorded the charge before holding its answer").to.deep.equal({ v1: 1, v2: 0 });
    slowV1.on = false;

    const retry = await fetch(cartUrl(backend, "retrier", "/checkout"), { method: "POST" });
    expect(retry.status).to.equal(201);
    const result = CheckoutResult.parse(await retry.json());
    expect(result.payment_version, "the version that charged").to.equal("v1");
    expect(await answered(backend.paymentV2Url!, "200"), "v2 answered the retry with the stored charge").to.equal(1);
    expect(await answered(backend.paymentV2Url!, "201"), "v2 charged nothing").to.equal(0);
    expect(await charges()).to.deep.equal({ v1: 1, v2: 0 });
    expect(await (await redis.client()).hLen("orders")).to.equal(2); // the seed order and this one
    await backend.settle();
  });

  it("the other way round: charged on v2, orders down, retried on v1: one charge, one order", async () => {
    const backend = await startBackend(stack, redis.url, { timeoutMs: 1_000, paymentCanary: { weight: 5, random: scripted(0.0, 0.5) } });
    await backend.stop("orders");
    expect((await buy(backend, "twice")).status).to.equal(503);
    await backend.restart("orders");
    const retry = await fetch(cartUrl(backend, "twice", "/checkout"), { method: "POST" });
    expect(retry.status).to.equal(201);
    expect(CheckoutResult.parse(await retry.json()).payment_version).to.equal("v2");
    expect(await answered(backend.urls.payment, "200"), "v1 replayed v2's charge").to.equal(1);
    expect(await charges()).to.deep.equal({ v1: 0, v2: 1 });
    await backend.settle();
  });

  it("chooses per charge, not per connection: 200 checkouts over cart's kept-alive connections follow the seeded draws", async () => {
    const weight = 5;
    const backend = await startBackend(stack, redis.url, { paymentCanary: { weight, random: seededRandom(99) } });
    // what the same seed draws, charge by charge
    const expected = seededRandom(99);
    const plan = Array.from({ length: 200 }, () => (expected() < weight / 100 ? "v2" : "v1"));
    const versions: string[] = [];
    for (let i = 0; i < 200; i++) {
      const response = await buy(backend, `shopper${i}`);
      expect(response.status).to.equal(201);
      versions.push(CheckoutResult.parse(await response.json()).payment_version);
    }
    expect(versions).to.deep.equal(plan);
    const onV2 = plan.filter((v) => v === "v2").length;
    expect(onV2, "the seed draws some v2 charges").to.be.greaterThan(0);
    expect(await charges()).to.deep.equal({ v1: 200 - onV2, v2: onV2 });
    await backend.settle();
  });
});
