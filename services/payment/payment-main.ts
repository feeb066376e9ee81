import { runService } from "../kit/run";
import { createPaymentApp } from "./payment-app";
import { paymentConfig } from "./payment-config";

void runService("payment", ({ kit, env, fault, redis, upstream, background }) => {
  const config = paymentConfig(env);
  return {
    app: createPaymentApp({
      kit,
      redis: redis(),
      notifications: upstream("notifications"),
      background,
      faults: { decline: fault(config.declineRate), timeout: fault(config.timeoutRate) },
      timeoutDelayMs: config.timeoutDelayMs,
    }),
  };
});
