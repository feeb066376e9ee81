/**
 * SIGTERM under load: two instances of payment take a steady stream of
 * charges whose answers each take ~700 ms (PAYMENT_TIMEOUT_DELAY_MS), so
 * requests are always in flight. The client takes instance A out of its
 * rotation — as Kubernetes takes a terminating pod out of the Service's
 * endpoints during its preStop sleep — and A gets SIGTERM while it still
 * holds requests: every one of them completes, A exits 0, and the client
 * sees zero failed requests. Every acknowledged charge is in the ledger.
 */
import { expect } from "chai";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { waitReady } from "../../scripts/launcher/start-shop";
import { bundle } from "../support/test-dist";
import { waitFor } from "../support/wait";
import { startDurableRedis, type DurableRedis } from "./support/durable-redis";
import { recordScenario, tally, writeFigures } from "./support/figures";
import { startScenarioShop, type ScenarioShop } from "./support/scenario-shop";
import { startTraffic } from "./support/traffic";

const HOLD_MS = 700;
const CLIENTS = 24;

describe("resilience: SIGTERM under load", function () {
  this.timeout(120_000);
  let redis: DurableRedis;
  let shop: ScenarioShop;
  const instances: ServiceProcess[] = [];

  before(async function () {
    this.timeout(60_000);
    redis = await startDurableRedis();
    shop = await startScenarioShop({ redisUrl: redis.url });
  });
  after(async () => {
    for (const instance of instances) if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill("SIGKILL");
    await Promise.all(instances.map((instance) => instance.exited));
    await shop?.stop();
    await redis?.close();
    writeFigures();
  });

  async function payment(): Promise<ServiceProcess & { url: string; decided: () => number }> {
    let decided = 0;
    const instance = await spawnService({
      service: "payment",
      distDir: await bundle(),
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: "0",
        REDIS_URL: redis.url,
        NOTIFICATIONS_URL: shop.urls.notifications,
        PAYMENT_TIMEOUT_RATE: "1",
        PAYMENT_TIMEOUT_DELAY_MS: String(HOLD_MS),
      },
      onLine: (line) => {
        if (line.includes('"msg":"payment decided"')) decided++;
      },
    });
    instances.push(instance);
    // as Kubernetes does, send it traffic only once it is ready (Redis connected)
    const url = `http://127.0.0.1:${instance.port}`;
    await waitReady(url, Date.now() + 20_000);
    return { ...instance, url, decided: () => decided };
  }

  it("in-flight requests complete, the instance exits 0, and the client that stops sending to it sees no failure", async () => {
    const [a, b] = await Promise.all([payment(), payment()]);
    const rotation = [a, b];
    const sentTo = new Map<string, string>();
    const traffic = startTraffic(CLIENTS, (client, i) => {
      const target = rotation[(client + i) % rotation.length]!;
      const key = `drain-${client}-${i}`;
      sentTo.set(key, target === a ? "a" : "b");
      return {
        url: `${target.url}/payments`,
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ user_id: `drain-${client}`, amount_cents: 100 + i }),
      };
    });
    const started = performance.now();
    await waitFor("steady load on both instances", () => traffic.outcomes.length >= CLIENTS * 2 && performance.now() - started > 1_500, { timeoutMs: 20_000 });

    rotation.splice(rotation.indexOf(a), 1); // the client stops sending to A…
    const sentToA = [...sentTo.values()].filter((to) => to === "a").length;
    // …and A has every request it was sent (each logs its decision before holding the answer)
    await waitFor("A to have received everything sent to it", () => a.decided() >= sentToA, { timeoutMs: 20_000, intervalMs: 5 });
    const answered = new Set(traffic.outcomes.map((o) => o.sent.headers?.["idempotency-key"]));
    const inFlightAtTerm = [...sentTo.entries()].filter(([key, to]) => to === "a" && !answered.has(key)).length;
    const termAt = performance.now();
    a.child.kill("SIGTERM");
    const exit = await a.exited;
    const drainedMs = performance.now() - termAt;
    const afterTerm = traffic.outcomes.length;
    await waitFor("load carried on by B", () => traffic.outcomes.length >= afterTerm + CLIENTS * 2, { timeoutMs: 20_000 });
    const outcomes = await traffic.stop();

    expect(inFlightAtTerm, "A held requests when it got SIGTERM").to.be.above(0);
    expect(exit, "A drained and exited 0").to.deep.equal({ code: 0, signal: null });
    expect(drainedMs, "within its drain bound").to.be.below(10_000);
    const failed = outcomes.filter((o) => o.status !== 201);
    expect(failed.map((o) => `${o.status} ${o.error ?? o.body}`), "zero failed requests").to.deep.equal([]);
    const ledger = await (await redis.client()).hGetAll("payments");
    const lost = outcomes.filter((o) => !(JSON.parse(o.body).payment_id in ledger)).length;
    expect(lost, "every acknowledged charge is in the ledger").to.equal(0);
    recordScenario({
      scenario: "SIGTERM to one of two payment instances under load",
      traffic: `${CLIENTS} clients, answers held ${HOLD_MS} ms, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      requests: outcomes.length,
      outcomes: tally(outcomes.map((o) => o.status)),
      lost,
      checked: `${inFlightAtTerm} requests in flight on the instance at SIGTERM all completed; it exited 0 after ${drainedMs.toFixed(0)} ms`,
    });
  });
});
