/**
 * Timeouts nested by deadline, measured on the local shop (the bundled
 * services as processes, as `npm start` runs them): with payment hanging
 * (PAYMENT_TIMEOUT_RATE=1), a checkout through the gateway answers with
 * cart's JSON 504 naming payment, once cart's call to payment has timed out
 * — not with the gateway's own 504 about cart, and well before the edge
 * would give up. A request whose budget is spent is refused at once.
 */
import { expect } from "chai";
import { timeBudgets } from "../../services/budgets";
import { startTestRedis, type TestRedis } from "../support/test-redis";
import { startScenarioShop, type ScenarioShop } from "./support/scenario-shop";
import { send } from "./support/traffic";

const LEAF_MS = 1_000;
const budgets = timeBudgets(LEAF_MS);

describe("resilience: a hanging payment under nested deadlines", function () {
  this.timeout(120_000);
  let redis: TestRedis;
  let shop: ScenarioShop;

  before(async function () {
    this.timeout(90_000);
    redis = await startTestRedis();
    shop = await startScenarioShop({
      redisUrl: redis.url,
      env: { UPSTREAM_TIMEOUT_MS: String(LEAF_MS), PAYMENT_TIMEOUT_RATE: "1", PAYMENT_TIMEOUT_DELAY_MS: "6000" },
    });
  });
  after(async () => {
    await shop?.stop();
    await redis?.close();
  });

  async function fillCart(user: string): Promise<void> {
    const added = await send({ url: `${shop.urls.gateway}/api/cart/${user}/add`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ product_id: "1", quantity: 1 }) });
    expect(added.status, added.body).to.equal(200);
  }

  for (const [what, headers] of [
    ["no budget of the shopper's own", {}],
    ["a shopper asking for far more time than the gateway grants", { "x-request-timeout-ms": "999999" }],
  ] as const) {
    it(`checkout answers cart's JSON 504, after cart's payment call times out (${what})`, async () => {
      const user = `deadline-${Object.keys(headers).length}`;
      await fillCart(user);
      const answer = await send({ url: `${shop.urls.gateway}/api/cart/${user}/checkout`, method: "POST", headers });
      const body = JSON.parse(answer.body) as { error: { code: string; message: string } };
      process.stdout.write(`      measured: ${answer.status} in ${answer.ms.toFixed(0)} ms: ${answer.body}\n`);
      expect(answer.status).to.equal(504);
      expect(answer.headers["content-type"]).to.match(/^application\/json/);
      expect(body.error.code).to.equal("upstream_timeout");
      // the public body is generic (the gateway's public errors); which call timed out is in cart's log, and the timing below says it was payment's
      expect(body.error.message).to.equal("A part of the shop took too long to answer, please try again.");
      expect(answer.ms, "cart's payment call budget, not the gateway's").to.be.within(budgets.callMs.payment - 50, budgets.callMs.cart);
    });
  }

  it("refuses at once a request whose budget is already spent", async () => {
    const answer = await send({ url: `${shop.urls.gateway}/api/products`, headers: { "x-request-timeout-ms": "0" } });
    expect(answer.status).to.equal(504);
    expect(JSON.parse(answer.body).error.code).to.equal("deadline_exceeded");
    expect(answer.ms).to.be.below(500);
  });
});
