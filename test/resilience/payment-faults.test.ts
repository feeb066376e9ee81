/**
 * payment misbehaving as the source documents' faults make it: timing out
 * (PAYMENT_TIMEOUT_RATE=1: every decision is held past the caller's
 * timeout) and declining (PAYMENT_DECLINE_RATE=1). Checkout answers a clear
 * JSON error within the configured timeout, and however often a shopper
 * retries — one after another or all at once — Redis ends up with at most
 * one approved charge and one order per purchase.
 */
import { expect } from "chai";
import type { RedisClient } from "../../services/kit/redis-client";
import { waitFor } from "../support/wait";
import { startDurableRedis, type DurableRedis } from "./support/durable-redis";
import { recordScenario, tally, writeFigures } from "./support/figures";
import { startScenarioShop, type ScenarioShop } from "./support/scenario-shop";
import { send } from "./support/traffic";

const UPSTREAM_TIMEOUT_MS = 1_000;

interface Charge {
  readonly user_id: string;
  readonly status: "approved" | "declined";
}

/** What Redis holds for a shopper: charges by status, orders, the cart's lines. */
async function recordsOf(client: RedisClient, user: string) {
  const charges = Object.values(await client.hGetAll("payments"))
    .map((json) => JSON.parse(json) as Charge)
    .filter((charge) => charge.user_id === user);
  return {
    approved: charges.filter((charge) => charge.status === "approved").length,
    declined: charges.filter((charge) => charge.status === "declined").length,
    orders: await client.zCard(`orders:by-user:${user}`),
    cart: await client.hGetAll(`cart:${user}:items`),
  };
}

describe("resilience: payment times out and declines", function () {
  this.timeout(120_000);
  let redis: DurableRedis;
  const shops: ScenarioShop[] = [];

  before(async function () {
    this.timeout(60_000);
    redis = await startDurableRedis();
  });
  after(async () => {
    for (const shop of shops) await shop.stop();
    await redis?.close();
    writeFigures();
  });

  async function shopWith(env: Record<string, string>): Promise<ScenarioShop> {
    const shop = await startScenarioShop({ redisUrl: redis.url, env: { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS), ...env } });
    shops.push(shop);
    return shop;
  }

  async function fillCart(shop: ScenarioShop, user: string): Promise<void> {
    for (const [product_id, quantity] of [["1", 2], ["3", 1]] as const) {
      const added = await send({ url: `${shop.urls.gateway}/api/cart/${user}/add`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ product_id, quantity }) });
      expect(added.status, added.body).to.equal(200);
    }
  }

  const checkout = (shop: ScenarioShop, user: string) => send({ url: `${shop.urls.gateway}/api/cart/${user}/checkout`, method: "POST" });

  it("timing out: a JSON 504 within the timeout; retries, alone or five at once, charge once and order once", async () => {
    const shop = await shopWith({ PAYMENT_TIMEOUT_RATE: "1", PAYMENT_TIMEOUT_DELAY_MS: "4000" });
    const client = await redis.client();
    const answers: number[] = [];
    const users = ["timeout-alone", "timeout-crowd"];
    for (const user of users) await fillCart(shop, user);

    // one shopper retries after each failure
    const first = await checkout(shop, users[0]!);
    answers.push(first.status);
    expect(first.status, first.body).to.equal(504);
    expect(JSON.parse(first.body).error.code).to.equal("upstream_timeout");
    expect(first.ms, "answered within the configured timeout (+ margin for a busy machine)").to.be.below(UPSTREAM_TIMEOUT_MS + 1_500);
    let completed: { order_id: number; payment_id: string } | undefined;
    await waitFor("a retry to complete the checkout", async () => {
      const retry = await checkout(shop, users[0]!);
      answers.push(retry.status);
      expect([201, 409, 504], retry.body).to.include(retry.status);
      if (retry.status === 201) completed = JSON.parse(retry.body) as { order_id: number; payment_id: string };
      return completed;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    for (let i = 0; i < 3; i++) {
      const again = await checkout(shop, users[0]!);
      answers.push(again.status);
      expect(again.status, "the cart was bought: nothing left to check out").to.equal(409);
      expect(JSON.parse(again.body).error.code).to.equal("cart_empty");
    }

    // another shopper's five tabs all check out at once, then keep retrying
    const crowd = await Promise.all(Array.from({ length: 5 }, () => checkout(shop, users[1]!)));
    answers.push(...crowd.map((a) => a.status));
    expect(crowd.map((a) => a.status).sort(), "one goes to payment and times out, the others find it running").to.deep.equal([409, 409, 409, 409, 504]);
    await waitFor("the crowd's retries to complete the checkout", async () => {
      const retries = await Promise.all(Array.from({ length: 3 }, () => checkout(shop, users[1]!)));
      answers.push(...retries.map((a) => a.status));
      return retries.some((a) => a.status === 201) || retries.every((a) => a.status === 409 && JSON.parse(a.body).error.code === "cart_empty");
    }, { timeoutMs: 20_000, intervalMs: 100 });

    for (const user of users) {
      const records = await recordsOf(client, user);
      expect(records, user).to.deep.include({ approved: 1, declined: 0, orders: 1 });
      expect(records.cart, `${user}'s cart was emptied by the one checkout`).to.deep.equal({});
    }
    const order = JSON.parse((await client.hGet("orders", String(completed!.order_id)))!) as { payment_id: string };
    expect(order.payment_id, "the order carries the one charge").to.equal(completed!.payment_id);
    recordScenario({
      scenario: "payment times out (PAYMENT_TIMEOUT_RATE=1)",
      traffic: `2 shoppers retrying checkout, one of them 5 at once (${answers.length} checkouts)`,
      requests: answers.length,
      outcomes: tally(answers),
      lost: 0,
      checked: `504 in ${first.ms.toFixed(0)} ms (timeout ${UPSTREAM_TIMEOUT_MS} ms); per shopper exactly 1 approved charge and 1 order in Redis`,
    });
  });

  it("declining: a JSON 402 with the cart kept; retries never charge nor order", async () => {
    const shop = await shopWith({ PAYMENT_DECLINE_RATE: "1" });
    const client = await redis.client();
    const user = "declined";
    await fillCart(shop, user);
    const before = await recordsOf(client, user);
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) {
      const declined = await checkout(shop, user);
      answers.push(declined.status);
      expect(declined.status, declined.body).to.equal(402);
      expect(JSON.parse(declined.body).error.code).to.equal("payment_declined");
      expect(declined.ms).to.be.below(UPSTREAM_TIMEOUT_MS + 1_500);
    }
    const crowd = await Promise.all(Array.from({ length: 5 }, () => checkout(shop, user)));
    answers.push(...crowd.map((a) => a.status));
    for (const answer of crowd) expect([402, 409], answer.body).to.include(answer.status);
    const records = await recordsOf(client, user);
    expect(records.approved, "no charge").to.equal(0);
    expect(records.orders, "no order").to.equal(0);
    expect(records.declined, "each attempt that reached payment is one declined decision").to.equal(answers.filter((status) => status === 402).length);
    expect(records.cart, "the cart is unchanged").to.deep.equal(before.cart);
    recordScenario({
      scenario: "payment declines (PAYMENT_DECLINE_RATE=1)",
      traffic: `1 shopper retrying checkout, then 5 at once (${answers.length} checkouts)`,
      requests: answers.length,
      outcomes: tally(answers),
      lost: 0,
      checked: "every answer a JSON 402 (or 409 while another attempt runs); 0 charges, 0 orders, the cart unchanged",
    });
  });
});
