/**
 * The canary measured: 2,000 checkouts through the gateway of the local shop
 * (`npm start`'s processes on free loopback ports, payment-v1 and payment-v2
 * on one real redis-server), 16 at a time, each a fresh shopper adding one
 * product and checking out. cart's split is per charge, so v2's share of
 * payments is the weight (5%) within 1.5 points — over kept-alive
 * connections that a replica ratio would have split per connection.
 *
 * cart's random source is seeded (FAULT_SEED), so the share is the same on
 * every run; without the seed it varies by about ±0.5 points (one standard
 * deviation at n = 2,000).
 */
import { expect } from "chai";
import { startShop, type Shop } from "../../scripts/launcher/start-shop";
import { CheckoutResult } from "../../services/contracts/cart";
import { bundle } from "../support/test-dist";
import { sampleValue } from "../support/prometheus-text";
import { startTestRedis, type TestRedis } from "../support/test-redis";
import { postJson } from "../support/services";

const CHECKOUTS = 2_000;
const CONCURRENCY = 16;
const WEIGHT = 5;

describe("payment canary, measured on the local shop: v2's share of 2,000 checkouts", function () {
  this.timeout(120_000);
  let redis: TestRedis;
  let shop: Shop | undefined;

  before(async function () {
    this.timeout(90_000); // the first suite to ask builds the bundles
    redis = await startTestRedis();
    shop = await startShop({ distDir: await bundle(), ports: "free", redisUrl: redis.url, canaryWeight: WEIGHT, env: { FAULT_SEED: "20261129" } });
  });
  after(async function () {
    this.timeout(30_000);
    await shop?.stop();
    await redis?.close();
  });

  it(`is ${WEIGHT}% ± 1.5 points, charge by charge, and each payment process charged what cart sent it`, async () => {
    const gateway = shop!.urls.gateway;
    const versions: Record<string, number> = {};
    const failures: string[] = [];
    let next = 0;
    const started = Date.now();
    const shopper = async () => {
      for (let i = next++; i < CHECKOUTS; i = next++) {
        const user = `canary-${i}`;
        const added = await postJson(`${gateway}/api/cart/${user}/add`, { product_id: String(1 + (i % 8)), quantity: 1 });
        if (added.status !== 200) failures.push(`add ${user}: ${added.status} ${await added.text()}`);
        const checkout = await fetch(`${gateway}/api/cart/${user}/checkout`, { method: "POST" });
        if (checkout.status !== 201) {
          failures.push(`checkout ${user}: ${checkout.status} ${await checkout.text()}`);
          continue;
        }
        const { payment_version } = CheckoutResult.parse(await checkout.json());
        versions[payment_version] = (versions[payment_version] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, shopper));
    const seconds = (Date.now() - started) / 1000;
    expect(failures.slice(0, 5), `${failures.length} failed`).to.deep.equal([]);

    const v1 = versions.v1 ?? 0;
    const v2 = versions.v2 ?? 0;
    expect(v1 + v2).to.equal(CHECKOUTS);
    const share = (100 * v2) / CHECKOUTS;
    console.log(`      (v2 share ${share.toFixed(2)}%: ${v2} of ${CHECKOUTS} checkouts, ${CONCURRENCY} at a time, in ${seconds.toFixed(1)} s)`);
    expect(share).to.be.within(WEIGHT - 1.5, WEIGHT + 1.5);

    // the same split, as the charges recorded in Redis and each payment process's own metrics say
    const charges = Object.values(await (await redis.client()).hGetAll("payments")).map((json) => JSON.parse(json) as { version: string });
    expect({ v1: charges.filter((c) => c.version === "v1").length, v2: charges.filter((c) => c.version === "v2").length }).to.deep.equal({ v1, v2 });
    const charged = async (url: string) => sampleValue(await (await fetch(`${url}/metrics`)).text(), "http_requests_total", { method: "POST", route: "/payments", status: "201" });
    expect({ v1: await charged(shop!.urls.payment), v2: await charged(shop!.urls["payment-v2"]) }).to.deep.equal({ v1, v2 });
  });
});
