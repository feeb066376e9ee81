import { expect } from "chai";
import { z } from "zod";
import { configProblems as problems } from "../../test/support/config-problems";
import { envField, loadEnv, serviceConfig } from "./service-config";

describe("kit: configuration from env", () => {
  it("defaults to the topology's port and local upstreams", () => {
    const config = serviceConfig("cart", {});
    expect(config).to.include({ service: "cart", version: "v1", port: 5002, host: "0.0.0.0", upstreamRetries: 1, upstreamTimeoutMs: 2000 });
    expect(config.upstreams).to.deep.equal({
      catalog: "http://127.0.0.1:5001",
      payment: "http://127.0.0.1:5003",
      orders: "http://127.0.0.1:8001",
      notifications: "http://127.0.0.1:5004",
    });
    expect(config.redisUrl).to.equal("redis://127.0.0.1:6379");
  });

  it("derives each upstream's call timeout and its own request cap from the leaf budget, unless set", () => {
    const derived = serviceConfig("cart", { UPSTREAM_TIMEOUT_MS: "2000" });
    expect(derived.upstreamTimeouts).to.deep.equal({ catalog: 2000, payment: 2000, orders: 2600, notifications: 2000 });
    expect(derived.requestTimeoutMs).to.equal(6800);
    expect(derived.hopMarginMs).to.equal(200);
    const set = serviceConfig("cart", { UPSTREAM_TIMEOUT_MS: "2000", PAYMENT_CALL_TIMEOUT_MS: "3000", REQUEST_TIMEOUT_MS: "9000" });
    expect(set.upstreamTimeouts.payment).to.equal(3000);
    expect(set.requestTimeoutMs).to.equal(9000);
    expect(problems(() => serviceConfig("cart", { ORDERS_CALL_TIMEOUT_MS: "soon" }))[0]).to.match(/^ORDERS_CALL_TIMEOUT_MS: must be a whole number/);
  });

  it("reads every variable of the topology's ENV", () => {
    const config = serviceConfig("payment", {
      PORT: "6003",
      SERVICE_NAME: "payment",
      SERVICE_VERSION: "v2",
      UPSTREAM_TIMEOUT_MS: "750",
      UPSTREAM_RETRIES: "0",
      BODY_LIMIT_BYTES: "2048",
      SHUTDOWN_TIMEOUT_MS: "3000",
      LOG_LEVEL: "warn",
      REDIS_URL: "redis://redis.shop.svc.cluster.local:6379",
      REDIS_PASSWORD: "s3cret",
      NOTIFICATIONS_URL: "http://notifications:5004/",
    });
    expect(config).to.include({ port: 6003, version: "v2", upstreamTimeoutMs: 750, upstreamRetries: 0, bodyLimitBytes: 2048, logLevel: "warn" });
    expect(config.redisPassword).to.equal("s3cret");
    expect(config.upstreams).to.deep.equal({ notifications: "http://notifications:5004" });
  });

  it("gives only the upstreams of the authorization graph", () => {
    expect(Object.keys(serviceConfig("orders", { CATALOG_URL: "http://x" }).upstreams)).to.deep.equal(["users"]);
    expect(serviceConfig("users", {}).upstreams).to.deep.equal({});
  });

  it("fails naming each bad variable and what it got", () => {
    const found = problems(() => serviceConfig("catalog", { PORT: "http", UPSTREAM_RETRIES: "3", LOG_LEVEL: "loud" }));
    expect(found).to.have.length(3);
    expect(found[0]).to.equal('PORT: must be a whole number; got "http"');
    expect(found.find((p) => p.startsWith("UPSTREAM_RETRIES"))).to.equal('UPSTREAM_RETRIES: must be 0 or 1; got "3"');
    expect(found.find((p) => p.startsWith("LOG_LEVEL"))).to.match(/^LOG_LEVEL: must be one of debug, info, warn, error; got "loud"$/);
    expect(problems(() => serviceConfig("cart", { PAYMENT_URL: "ftp://x" }))).to.deep.equal(['PAYMENT_URL: must be an http(s) URL; got "ftp://x"']);
    expect(problems(() => serviceConfig("cart", { REDIS_URL: "localhost:6379" }))[0]).to.match(/^REDIS_URL: /);
    expect(problems(() => serviceConfig("users", { PORT: "70000" }))).to.deep.equal(['PORT: must be at most 65535; got "70000"']);
  });

  it("takes REDIS_URL only as a redis:// or rediss:// URL, spaces around it trimmed", () => {
    expect(serviceConfig("cart", { REDIS_URL: " rediss://redis.shop:6380 " }).redisUrl).to.equal("rediss://redis.shop:6380");
    expect(problems(() => serviceConfig("cart", { REDIS_URL: "no url at all" }))[0]).to.equal('REDIS_URL: must be a redis:// URL; got "no url at all"');
    expect(problems(() => serviceConfig("cart", { REDIS_URL: "localhost:6379" }))).to.deep.equal(['REDIS_URL: must be a redis:// or rediss:// URL; got "localhost:6379"']);
    expect(problems(() => serviceConfig("cart", { REDIS_URL: "http://127.0.0.1:6379" }))).to.deep.equal(['REDIS_URL: must be a redis:// or rediss:// URL; got "http://127.0.0.1:6379"']);
    expect(problems(() => serviceConfig("cart", { REDIS_URL: "unix://redis://127.0.0.1" }))).to.deep.equal(['REDIS_URL: must be a redis:// or rediss:// URL; got "unix://redis://127.0.0.1"']);
  });

  it("a ConfigError says every problem in its message, one after another", () => {
    try {
      serviceConfig("users", { PORT: "http", LOG_LEVEL: "loud" });
      expect.fail("expected a ConfigError");
    } catch (err) {
      expect({ name: (err as Error).name, message: (err as Error).message }).to.deep.equal({
        name: "ConfigError",
        message: 'invalid configuration: PORT: must be a whole number; got "http"; LOG_LEVEL: must be one of debug, info, warn, error; got "loud"',
      });
    }
  });

  it("never prints a secret", () => {
    const schema = z.object({ REDIS_PASSWORD: z.string().min(20) });
    const found = problems(() => loadEnv(schema, { REDIS_PASSWORD: "hunter2" }));
    expect(found[0]).to.match(/^REDIS_PASSWORD: .*; got <redacted>$/);
    expect(found.join()).not.to.include("hunter2");
  });

  it("parses fault rates strictly between 0 and 1", () => {
    const schema = z.object({ RATE: envField.rate().default(0) });
    expect(loadEnv(schema, {}).RATE).to.equal(0);
    expect(loadEnv(schema, { RATE: "0.05" }).RATE).to.equal(0.05);
    expect(loadEnv(schema, { RATE: "1" }).RATE).to.equal(1);
    for (const bad of ["1.5", "-0.1", "5%", "abc", ""]) {
      expect(problems(() => loadEnv(schema, { RATE: bad }))[0], bad).to.match(/^RATE: must be a number between 0 and 1/);
    }
  });

  it("REQUEST_RECEIVE_TIMEOUT_MS bounds how long a client may take to send a request (10 s unless set)", () => {
    expect(serviceConfig("gateway", {}).requestReceiveTimeoutMs).to.equal(10_000);
    expect(serviceConfig("gateway", { REQUEST_RECEIVE_TIMEOUT_MS: "250" }).requestReceiveTimeoutMs).to.equal(250);
    expect(problems(() => serviceConfig("gateway", { REQUEST_RECEIVE_TIMEOUT_MS: "0" }))[0]).to.match(/^REQUEST_RECEIVE_TIMEOUT_MS: must be at least/);
  });

  it("never repeats a URL's password in its error", () => {
    const [problem] = problems(() => serviceConfig("cart", { REDIS_URL: "http://user:hunter2@127.0.0.1:6379" }));
    expect(problem).to.match(/^REDIS_URL: /).and.include("user:***@").and.not.include("hunter2");
  });
});
