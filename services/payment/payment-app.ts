/** payment: idempotent charges in Redis; v1 and v2 differ only in the version they report. */
import { createServiceApp, type KitOptions, type ServiceApp } from "../kit/service-app";
import type { BackgroundTasks } from "../kit/background";
import { fault, type Fault } from "../kit/faults";
import type { Upstream } from "../kit/http-client";
import { redisReadiness, type RedisClient } from "../kit/redis-client";
import { paymentsRoutes } from "./payments";
import { Processor } from "./processor";
import { PaymentsStore } from "./payment-store";

export interface PaymentDeps {
  readonly kit: KitOptions;
  readonly redis: RedisClient;
  readonly notifications: Upstream;
  readonly background: BackgroundTasks;
  /** PAYMENT_DECLINE_RATE and PAYMENT_TIMEOUT_RATE; off by default. */
  readonly faults?: { readonly decline?: Fault; readonly timeout?: Fault };
  /** How long an injected timeout holds the answer. */
  readonly timeoutDelayMs?: number;
}

export function createPaymentApp(deps: PaymentDeps): ServiceApp {
  const processor = new Processor({ decline: deps.faults?.decline ?? fault(0), timeout: deps.faults?.timeout ?? fault(0) });
  const routes = paymentsRoutes({
    store: new PaymentsStore(deps.redis),
    processor,
    notifications: deps.notifications,
    background: deps.background,
    version: deps.kit.version,
    timeoutDelayMs: deps.timeoutDelayMs ?? 5_000,
  });
  return createServiceApp(deps.kit, { readiness: [redisReadiness(deps.redis)], routes: (app) => app.route("/payments", routes) });
}
