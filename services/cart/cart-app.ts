/** cart: carts in Redis; prices from catalog; checkout through payment, orders and notifications. */
import { createServiceApp, type KitOptions, type ServiceApp } from "../kit/service-app";
import type { BackgroundTasks } from "../kit/background";
import type { Upstream } from "../kit/http-client";
import { only, type Choice } from "../kit/weighted-choice";
import { redisReadiness, type RedisClient } from "../kit/redis-client";
import { cartRoutes } from "./carts";
import { Checkout } from "./checkout";
import { RETENTION } from "../retention";
import { CartStore, type CartRetention } from "./cart-store";

export interface CartDeps {
  readonly kit: KitOptions;
  readonly redis: RedisClient;
  readonly upstreams: {
    readonly catalog: Upstream;
    /** One payment, or a choice per charge between its versions (the canary without a mesh). */
    readonly payment: Upstream | Choice<Upstream>;
    readonly orders: Upstream;
    readonly notifications: Upstream;
  };
  readonly background: BackgroundTasks;
  /** The checkout lock's lifetime; longer than a checkout can take, at most RETENTION.checkoutAttemptMs. */
  readonly checkoutLockMs?: number;
  /** How long carts and pending checkouts live; RETENTION's by default (tests shorten them). */
  readonly retention?: Partial<CartRetention>;
}

export function createCartApp(deps: CartDeps): ServiceApp {
  const lockMs = deps.checkoutLockMs ?? 30_000;
  // payment's and orders' records outlive a pending checkout by one attempt, so no attempt may run longer
  if (lockMs > RETENTION.checkoutAttemptMs) throw new Error(`cart's checkout lock (${lockMs} ms) is longer than one attempt may run (${RETENTION.checkoutAttemptMs} ms)`);
  const store = new CartStore(deps.redis, deps.retention);
  const { payment } = deps.upstreams;
  const checkout = new Checkout({
    store,
    ...deps.upstreams,
    payment: "pick" in payment ? payment : only(payment),
    background: deps.background,
    lockMs,
  });
  return createServiceApp(deps.kit, {
    readiness: [redisReadiness(deps.redis)],
    routes: (app) => app.route("/cart", cartRoutes(store, deps.upstreams.catalog, checkout)),
  });
}
