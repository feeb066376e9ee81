/**
 * The tracing-cost bench measures what it says: its variants answer like
 * the services, and only the "sampled" processes export spans — the
 * server span, and for orders the client span of its call to users and
 * its Redis command — while "unsampled" and "off" export none.
 */
import { expect } from "chai";
import { bundle } from "../../test/support/test-dist";
import { startTestRedis, type TestRedis } from "../../test/support/test-redis";
import { waitFor } from "../../test/support/wait";
import { measureTracingCost, startTracingBench, VARIANTS, type StartedTracingBench } from "./tracing-cost";

describe("bench: tracing's cost per request", function () {
  this.timeout(90_000);
  let redis: TestRedis;
  let bench: StartedTracingBench;

  before(async () => {
    redis = await startTestRedis();
    bench = await startTracingBench(await bundle(), redis);
  });
  after(async () => {
    await bench?.stop();
    await redis?.close();
  });

  it("runs users and orders in each variant; only the sampled ones export their spans", async () => {
    expect(bench.targets.map((t) => `${t.request} ${t.variant}`)).to.have.members(VARIANTS.flatMap((v) => [`users ${v}`, `orders ${v}`]));
    const rows = await measureTracingCost(bench, { rate: 100, seconds: 1, rounds: 1, warmupS: 1 });
    expect(rows.map((r) => r.request)).to.deep.equal(["users", "orders"]);
    const sampled = new Set(bench.targets.filter((t) => t.variant === "sampled").map((t) => t.pid));
    await waitFor("the sampled processes' spans", () => bench.receiver.spans.some((s) => s.service === "orders" && s.attributes["db.operation.name"] === "HGET"), { timeoutMs: 15_000, intervalMs: 100 });
    const pidOf = (instance: unknown) => Number(String(instance).split("-").pop());
    const exporters = new Set(bench.receiver.spans.map((s) => pidOf(s.resource["service.instance.id"])));
    expect([...exporters].sort(), "only the sampled variants export").to.deep.equal([...sampled].sort());
    const ordersSpans = bench.receiver.spans.filter((s) => s.service === "orders");
    expect(new Set(ordersSpans.map((s) => s.name))).to.include.all.keys("GET /orders/:id", "GET", "HGET");
  });
});
