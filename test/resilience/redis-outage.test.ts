/**
 * Redis goes away while cart and orders are taking writes: they answer 503
 * at once (no hang), every /readyz of a service with a store says 503, no
 * process exits; when Redis is back they serve again within 2 s without a
 * restart, and every write they acknowledged is in Redis.
 *
 * Two ways to go away: a crash (SIGKILL; the Redis keeps what it
 * acknowledged on disk, as the cluster's Redis keeps it on its volume) and a
 * hang (SIGSTOP: connections stay open, nothing answers).
 */
import { expect } from "chai";
import { SERVICES, SERVICE_NAMES } from "../../services/topology";
import { waitFor } from "../support/wait";
import { startDurableRedis, type DurableRedis } from "./support/durable-redis";
import { recordScenario, tally, writeFigures } from "./support/figures";
import { alive, startScenarioShop, type ScenarioShop } from "./support/scenario-shop";
import { send, startTraffic, type Outcome, type RequestSpec } from "./support/traffic";

const STATEFUL = SERVICE_NAMES.filter((name) => SERVICES[name].redis);
const REDIS_TIMEOUT_MS = 1_000;
/** The bound on recovery once Redis answers again. */
const RECOVERY_MS = 2_000;
/** How long each phase holds the traffic: before, during and after the outage. */
const HOLD_MS = { before: 1_000, outage: 2_500, after: 1_000 };

describe("resilience: Redis stops mid-traffic", function () {
  this.timeout(120_000);
  let redis: DurableRedis;
  let shop: ScenarioShop;

  before(async function () {
    this.timeout(120_000);
    redis = await startDurableRedis();
    shop = await startScenarioShop({ redisUrl: redis.url, env: { REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS) } });
  });
  after(async () => {
    await shop?.stop();
    await redis?.close();
    writeFigures();
  });

  /** Four clients adding to their own carts, four writing orders with their own idempotency keys. */
  function writes(run: string) {
    return (client: number, i: number): RequestSpec => {
      if (client < 4) {
        return {
          url: `${shop.urls.cart}/cart/${run}-${client}/add`,
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ product_id: "1", quantity: 1 }),
        };
      }
      const line = { product_id: "2", name: "Sidecar Mug", quantity: 1, unit_price_cents: 1299 };
      return {
        url: `${shop.urls.orders}/orders`,
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `${run}-${client}-${i}` },
        body: JSON.stringify({ user_id: `${run}-${client}`, items: [line], total_cents: 1299, payment_id: `${run}-pay-${client}-${i}` }),
      };
    };
  }

  const isCart = (o: Outcome) => o.sent.path.startsWith("/cart/");
  const isOrder = (o: Outcome) => o.sent.path === "/orders";
  const ok = (o: Outcome) => o.status >= 200 && o.status < 300;

  async function readiness(): Promise<Record<string, number>> {
    const statuses = await Promise.all(STATEFUL.map(async (name) => [name, (await send({ url: `${shop.urls[name]}/readyz` })).status] as const));
    return Object.fromEntries(statuses);
  }

  /** Every acknowledged cart add and order is in Redis: the service acknowledged nothing Redis did not keep. */
  async function lostWrites(outcomes: readonly Outcome[], run: string): Promise<number> {
    const client = await redis.client();
    let lost = 0;
    for (let c = 0; c < 4; c++) {
      const path = `/cart/${run}-${c}/add`;
      const acked = outcomes.filter((o) => o.sent.path === path && ok(o)).length;
      const attempted = outcomes.filter((o) => o.sent.path === path).length;
      const stored = Number((await client.hGet(`cart:${run}-${c}:items`, "1")) ?? 0);
      expect(stored, `${path}: stored quantity within what was acknowledged and what was attempted`).to.be.within(acked, attempted);
      lost += Math.max(acked - stored, 0);
    }
    for (const outcome of outcomes.filter((o) => isOrder(o) && ok(o))) {
      const order = JSON.parse(outcome.body) as { order_id: number; payment_id: string };
      const stored = await client.hGet("orders", String(order.order_id));
      if (!stored || (JSON.parse(stored) as { payment_id: string }).payment_id !== order.payment_id) lost += 1;
    }
    return lost;
  }

  async function outage(kind: "crash" | "hang"): Promise<void> {
    const run = `${kind}-${Date.now()}`;
    const traffic = startTraffic(8, writes(run));
    const started = performance.now();
    await waitFor("acknowledged writes before the outage", () => traffic.outcomes.filter(ok).length >= 40 && performance.now() - started >= HOLD_MS.before, { timeoutMs: 20_000 });

    const downAt = performance.now();
    if (kind === "crash") await redis.crash();
    else redis.pause();
    await waitFor(
      "cart and orders to answer 503 store_unavailable",
      () => [isCart, isOrder].every((which) => traffic.outcomes.some((o) => which(o) && o.startedAt > downAt && o.status === 503)),
      { timeoutMs: 10_000 },
    );
    await waitFor("every store's readiness to say 503", async () => Object.values(await readiness()).every((status) => status === 503), { timeoutMs: 10_000 });
    const readyzWhileDown = await send({ url: `${shop.urls.cart}/readyz` });
    // the outage lasts a while (long enough for the clients' reconnect backoff to reach its cap) under the same traffic
    const seen = traffic.outcomes.length;
    await waitFor("traffic held through the outage", () => traffic.outcomes.length >= seen + 100 && performance.now() - downAt >= HOLD_MS.outage, { timeoutMs: 20_000 });

    if (kind === "crash") await redis.restart();
    else redis.resume();
    const backAt = performance.now();
    await waitFor(
      "cart and orders to take writes again",
      () => [isCart, isOrder].every((which) => traffic.outcomes.some((o) => which(o) && o.startedAt > backAt && ok(o))),
      { timeoutMs: 15_000 },
    );
    const recoveredMs = Math.max(
      ...[isCart, isOrder].map((which) => traffic.outcomes.find((o) => which(o) && o.startedAt > backAt && ok(o))!).map((o) => o.startedAt + o.ms - backAt),
    );
    const held = traffic.outcomes.length;
    const recovered = performance.now();
    await waitFor("traffic after recovery", () => traffic.outcomes.length >= held + 40 && performance.now() - recovered >= HOLD_MS.after, { timeoutMs: 20_000 });
    const outcomes = await traffic.stop();
    const seconds = (performance.now() - started) / 1000;

    expect(shop.exitedOnItsOwn(), "no process exits").to.equal(undefined);
    for (const name of SERVICE_NAMES) expect(alive(shop.pids[name]), `${name} still runs, same pid`).to.equal(true);
    expect(readyzWhileDown.status).to.equal(503);
    expect(JSON.parse(readyzWhileDown.body).error.message).to.match(/redis/);
    expect(await readiness(), "ready again").to.deep.equal(Object.fromEntries(STATEFUL.map((name) => [name, 200])));

    const unexpected = outcomes.filter((o) => !ok(o) && o.status !== 503);
    expect(unexpected.map((o) => `${o.sent.method} ${o.sent.path}: ${o.status} ${o.error ?? o.body}`), "only successes and 503s").to.deep.equal([]);
    const failures = outcomes.filter((o) => o.status === 503);
    for (const failure of failures) expect(JSON.parse(failure.body).error.code).to.match(/^(store_unavailable|upstream_unavailable)$/);
    const slowest503 = Math.max(...failures.map((o) => o.ms));
    const bound = kind === "crash" ? 1_000 : REDIS_TIMEOUT_MS + 1_500;
    expect(slowest503, `every 503 within ${bound} ms (no hang)`).to.be.below(bound);
    expect(recoveredMs, `writes served again within ${RECOVERY_MS} ms of Redis answering`).to.be.at.most(RECOVERY_MS);
    const lost = await lostWrites(outcomes, run);
    expect(lost, "acknowledged writes lost").to.equal(0);

    recordScenario({
      scenario: kind === "crash" ? "Redis killed (SIGKILL) mid-traffic, restarted with its data" : "Redis frozen (SIGSTOP) mid-traffic, then resumed",
      traffic: `8 clients writing (cart adds, orders), ${seconds.toFixed(1)} s`,
      requests: outcomes.length,
      outcomes: tally(outcomes.map((o) => o.status)),
      lost,
      checked: `503 within ${slowest503.toFixed(0)} ms at worst; all 4 stores' /readyz 503 while down; no process exited; writes again ${recoveredMs.toFixed(0)} ms after Redis answered`,
    });
  }

  it("a crash: 503 at once, readiness 503, nobody exits; back within 2 s with every acknowledged write", async () => {
    await outage("crash");
  });

  it("a hang: 503 within the Redis timeout, readiness 503, nobody exits; back within 2 s with every acknowledged write", async () => {
    await outage("hang");
  });
});

