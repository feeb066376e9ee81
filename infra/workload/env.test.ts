import { expect } from "chai";
import { SERVICE_NAMES } from "../../services/topology";
import { serviceEnv, serviceUrl, type ServiceEnvArgs } from "./env";

const base: Omit<ServiceEnvArgs, "name" | "version"> = {
  namespace: "shop",
  upstreamTimeoutMs: 1500,
  upstreamRetries: 1,
  logLevel: "info",
  bodyLimitBytes: 65536,
  shutdownTimeoutMs: 20000,
  faults: { catalogErrorRate: 0.05, paymentDeclineRate: 0.1, paymentTimeoutRate: 0.02 },
  redis: { url: "redis://redis.shop.svc.cluster.local:6379", secretName: "redis" },
};
const asMap = (env: ReturnType<typeof serviceEnv>) => Object.fromEntries(env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe("service environment (infra/workload/env.ts)", () => {
  it("with tracing, adds exactly the OpenTelemetry SDK's endpoint and a parent-based ratio sampler; without, none of them", () => {
    const without = asMap(serviceEnv({ ...base, name: "users", version: "v1" }));
    const withTracing = asMap(serviceEnv({ ...base, name: "users", version: "v1", tracing: { otlpEndpoint: "http://collector.obs.svc.cluster.local:4318", sampleRatio: 0.25 } }));
    expect(withTracing).to.deep.equal({
      ...without,
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector.obs.svc.cluster.local:4318",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
    });
    expect(Object.keys(without).filter((k) => k.startsWith("OTEL_"))).to.deep.equal([]);
  });

  it("gives cart its upstreams' cluster URLs and Redis as its own ACL user, the password from its key of the Secret", () => {
    const env = asMap(serviceEnv({ ...base, name: "cart", version: "v1" }));
    expect(env).to.deep.equal({
      PORT: "5002",
      SERVICE_NAME: "cart",
      SERVICE_VERSION: "v1",
      UPSTREAM_TIMEOUT_MS: "1500",
      REQUEST_TIMEOUT_MS: "5100",
      UPSTREAM_RETRIES: "1",
      BODY_LIMIT_BYTES: "65536",
      SHUTDOWN_TIMEOUT_MS: "20000",
      LOG_LEVEL: "info",
      CATALOG_URL: "http://catalog.shop.svc.cluster.local:5001",
      PAYMENT_URL: "http://payment.shop.svc.cluster.local:5003",
      ORDERS_URL: "http://orders.shop.svc.cluster.local:8001",
      NOTIFICATIONS_URL: "http://notifications.shop.svc.cluster.local:5004",
      CATALOG_CALL_TIMEOUT_MS: "1500",
      PAYMENT_CALL_TIMEOUT_MS: "1500",
      ORDERS_CALL_TIMEOUT_MS: "1950",
      NOTIFICATIONS_CALL_TIMEOUT_MS: "1500",
      REDIS_URL: "redis://cart@redis.shop.svc.cluster.local:6379",
      REDIS_PASSWORD: { secretKeyRef: { name: "redis", key: "cart-password" } },
    });
  });
  it("connects every stateful service as its own ACL user, to an external Redis over TLS too", () => {
    for (const name of ["orders", "payment", "notifications"] as const) {
      const env = asMap(serviceEnv({ ...base, name, version: "v1", redis: { url: "rediss://redis.example.com:6380", secretName: "redis" } }));
      expect(env.REDIS_URL, name).to.equal(`rediss://${name}@redis.example.com:6380`);
      expect(env.REDIS_PASSWORD, name).to.deep.equal({ secretKeyRef: { name: "redis", key: `${name}-password` } });
    }
  });
  it("gives users nothing it does not use", () => {
    const env = asMap(serviceEnv({ ...base, name: "users", version: "v1" }));
    expect(Object.keys(env).filter((k) => k.endsWith("_URL") || k.startsWith("REDIS") || k.includes("RATE"))).to.deep.equal([]);
  });
  it("passes the faults to catalog and payment only", () => {
    expect(asMap(serviceEnv({ ...base, name: "catalog", version: "v1" }))).to.include({ CATALOG_ERROR_RATE: "0.05" });
    expect(asMap(serviceEnv({ ...base, name: "payment", version: "v2" }))).to.include({
      PAYMENT_DECLINE_RATE: "0.1",
      PAYMENT_TIMEOUT_RATE: "0.02",
      SERVICE_VERSION: "v2",
    });
    expect(asMap(serviceEnv({ ...base, name: "gateway", version: "v1" }))).not.to.have.any.keys("CATALOG_ERROR_RATE", "PAYMENT_DECLINE_RATE");
  });
  it("builds cluster-local URLs", () => expect(serviceUrl("users", "ns", 8000)).to.equal("http://users.ns.svc.cluster.local:8000"));
});

const canaryVars = (env: ReturnType<typeof serviceEnv>) =>
  Object.fromEntries(env.filter((e) => /^PAYMENT_(V\d_URL|CANARY_WEIGHT)$/.test(e.name as string)).map((e) => [e.name, e.value]));

describe("service environment: cart's own payment canary (infra/workload/env.ts)", () => {
  it("gives cart both versions' Services and the weight, keeping PAYMENT_URL", () => {
    const env = serviceEnv({ ...base, name: "cart", version: "v1", paymentCanaryWeight: 5 });
    expect(canaryVars(env)).to.deep.equal({
      PAYMENT_V1_URL: "http://payment-v1.shop.svc.cluster.local:5003",
      PAYMENT_V2_URL: "http://payment-v2.shop.svc.cluster.local:5003",
      PAYMENT_CANARY_WEIGHT: "5",
    });
    expect(env.find((e) => e.name === "PAYMENT_URL")?.value).to.equal("http://payment.shop.svc.cluster.local:5003");
  });

  it("gives the weight 0 too (everything to v1), and nothing to services that do not call payment", () => {
    expect(canaryVars(serviceEnv({ ...base, name: "cart", version: "v1", paymentCanaryWeight: 0 })).PAYMENT_CANARY_WEIGHT).to.equal("0");
    for (const name of SERVICE_NAMES.filter((n) => n !== "cart")) {
      expect(canaryVars(serviceEnv({ ...base, name, version: "v1", paymentCanaryWeight: 5 })), name).to.deep.equal({});
    }
  });

  it("without a weight (the mesh stacks: the mesh splits) cart has none of them", () => {
    expect(canaryVars(serviceEnv({ ...base, name: "cart", version: "v1" }))).to.deep.equal({});
  });
});
