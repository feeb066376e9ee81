import { runService } from "../kit/run";
import { weightedChoice } from "../kit/weighted-choice";
import { createCartApp } from "./cart-app";
import { cartIdleMs, paymentCanaryConfig } from "./cart-config";

void runService("cart", ({ kit, config, env, random, redis, upstream, background }) => {
  // without a mesh, cart splits payments between versions itself, per charge
  const canary = paymentCanaryConfig(env);
  const payment = canary ? weightedChoice(upstream("payment", canary.v1Url), upstream("payment", canary.v2Url), canary.weight, random) : upstream("payment");
  return {
    app: createCartApp({
      kit,
      redis: redis(),
      upstreams: { catalog: upstream("catalog"), payment, orders: upstream("orders"), notifications: upstream("notifications") },
      background,
      // catalog (with its retry), payment and orders in sequence, plus margin
      checkoutLockMs: 5 * config.upstreamTimeoutMs + 5_000,
      retention: { cartIdleMs: cartIdleMs(env) },
    }),
  };
});
