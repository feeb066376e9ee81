import { expect } from "chai";
import { memoryBytes } from "../redis/redis-spec";
import { alertRules, DEFAULT_THRESHOLDS, REDIS_MEMORY_ALERT_SHARE } from "./rules";

type Rule = { alert: string; expr: string; for: string };
const rulesOf = (spec: Record<string, unknown>) => (spec as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

describe("alert rules: Redis memory before maxmemory", () => {
  it("fires at 80% of the default maxmemory, on the Redis container's working set in the shop's namespace", () => {
    const rule = rulesOf(alertRules("shop")).find((r) => r.alert === "MeshmartRedisMemoryNearLimit")!;
    expect(memoryBytes("384mb")).to.equal(384 * 1024 * 1024);
    expect(rule.expr).to.equal(`max by (pod) (container_memory_working_set_bytes{namespace="shop", container="redis"}) > ${Math.floor(384 * 1024 * 1024 * REDIS_MEMORY_ALERT_SHARE)}`);
    expect(rule.for).to.equal("5m");
  });

  it("follows a configured maxmemory", () => {
    const rule = rulesOf(alertRules("shop", { ...DEFAULT_THRESHOLDS, redisMaxmemoryBytes: memoryBytes("1gb") })).find((r) => r.alert === "MeshmartRedisMemoryNearLimit")!;
    expect(rule.expr).to.match(/ > 858993459$/);
  });

  it("reads redis.conf memory units", () => {
    expect(memoryBytes("100")).to.equal(100);
    expect(memoryBytes("1k")).to.equal(1000);
    expect(memoryBytes("1KB")).to.equal(1024);
    expect(memoryBytes("2g")).to.equal(2e9);
    expect(() => memoryBytes("1.5gb")).to.throw(/not a redis.conf memory size/);
  });
});
