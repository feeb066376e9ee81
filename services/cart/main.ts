import { runService } from "../kit/run";
import { createCartApp } from "./app";

void runService("cart", ({ kit, config, redis, upstream, background }) => ({
  app: createCartApp({
    kit,
    redis: redis(),
    upstreams: { catalog: upstream("catalog"), payment: upstream("payment"), orders: upstream("orders"), notifications: upstream("notifications") },
    background,
    // catalog (with its retry), payment and orders in sequence, plus margin
    checkoutLockMs: 5 * config.upstreamTimeoutMs + 5_000,
  }),
}));
