import { expect } from "chai";
import { SERVICE_NAMES } from "../../services/topology";
import { serviceEnv, type ServiceEnvArgs } from "./env";

const base: Omit<ServiceEnvArgs, "name" | "version"> = {
  namespace: "shop",
  upstreamTimeoutMs: 1500,
  upstreamRetries: 1,
  logLevel: "info",
  bodyLimitBytes: 65536,
  shutdownTimeoutMs: 20000,
  faults: { catalogErrorRate: 0, paymentDeclineRate: 0, paymentTimeoutRate: 0 },
  redis: { url: "redis://redis.shop.svc.cluster.local:6379", secretName: "redis" },
};
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
