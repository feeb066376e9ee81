import { expect } from "chai";
import { DEFAULT_MAXMEMORY, MAXMEMORY_CEILING, memoryBytes, REDIS_RESOURCES, redisConf, userPasswords } from "./redis-spec";

describe("redis spec: memory limit under the container's, per-user passwords", () => {
  it("keeps maxmemory (default and ceiling) under 90% of the container's memory limit", () => {
    const limit = REDIS_RESOURCES.limits.memory;
    expect(limit).to.equal("512Mi");
    expect(memoryBytes(MAXMEMORY_CEILING)).to.be.at.most(0.9 * 512 * 1024 ** 2);
    expect(memoryBytes(DEFAULT_MAXMEMORY)).to.be.below(memoryBytes(MAXMEMORY_CEILING));
    expect(redisConf()).to.contain(`maxmemory ${DEFAULT_MAXMEMORY}\nmaxmemory-policy noeviction\n`);
    expect(() => redisConf("a lot")).to.throw(/not a redis.conf memory size/);
  });

  it("derives a distinct, stable password per ACL user from the stack's secret", () => {
    const a = userPasswords("s3cret");
    expect(userPasswords("s3cret")).to.deep.equal(a);
    expect(new Set(Object.values(a)).size).to.equal(Object.keys(a).length);
    expect(userPasswords("other").cart).not.to.equal(a.cart);
    for (const pw of Object.values(a)) expect(pw).to.match(/^[0-9a-f]{64}$/).and.not.contain("s3cret");
  });
});
