import { expect } from "chai";
import { ConfigError } from "../kit/service-config";
import { ENV } from "../topology";
import { RETENTION } from "../retention";
import { cartIdleMs, paymentCanaryConfig } from "./cart-config";

describe("cart config: the payment canary (PAYMENT_V1_URL, PAYMENT_V2_URL, PAYMENT_CANARY_WEIGHT)", () => {
  const all = { [ENV.paymentV1Url]: "http://payment-v1:5003/", [ENV.paymentV2Url]: "http://payment-v2:5003", [ENV.paymentCanaryWeight]: "5" };

  it("is off when none is set: cart calls PAYMENT_URL (the mesh stacks, where the mesh splits)", () => {
    expect(paymentCanaryConfig({})).to.equal(undefined);
    expect(paymentCanaryConfig({ PAYMENT_URL: "http://payment:5003" })).to.equal(undefined);
  });

  it("reads the two URLs and the weight", () => {
    expect(paymentCanaryConfig(all)).to.deep.equal({ v1Url: "http://payment-v1:5003", v2Url: "http://payment-v2:5003", weight: 5 });
  });

  it("refuses half a configuration, naming what is missing", () => {
    for (const missing of Object.keys(all)) {
      const env = Object.fromEntries(Object.entries(all).filter(([k]) => k !== missing));
      expect(() => paymentCanaryConfig(env), missing).to.throw(ConfigError, missing);
    }
  });

  it("refuses a bad weight or URL, naming the variable", () => {
    expect(() => paymentCanaryConfig({ ...all, [ENV.paymentCanaryWeight]: "101" })).to.throw(ConfigError, /PAYMENT_CANARY_WEIGHT: must be at most 100; got "101"/);
    expect(() => paymentCanaryConfig({ ...all, [ENV.paymentCanaryWeight]: "2.5" })).to.throw(ConfigError, "PAYMENT_CANARY_WEIGHT");
    expect(() => paymentCanaryConfig({ ...all, [ENV.paymentV2Url]: "payment-v2:5003" })).to.throw(ConfigError, "PAYMENT_V2_URL");
  });
});

describe("cart config: CART_TTL_SECONDS", () => {
  it("is RETENTION's idle time when unset, else the given seconds", () => {
    expect(cartIdleMs({})).to.equal(RETENTION.cartIdleMs);
    expect(cartIdleMs({ [ENV.cartTtlSeconds]: "3600" })).to.equal(3_600_000);
  });

  it("refuses nonsense, naming the variable", () => {
    expect(() => cartIdleMs({ [ENV.cartTtlSeconds]: "0" })).to.throw(ConfigError, "CART_TTL_SECONDS");
    expect(() => cartIdleMs({ [ENV.cartTtlSeconds]: "soon" })).to.throw(ConfigError, "CART_TTL_SECONDS");
  });
});
