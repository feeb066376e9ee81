/** cart: carts in Redis; prices from catalog; checkout through payment, orders and notifications. */
import { createServiceApp, type KitOptions, type ServiceApp } from "../kit/app";
import type { BackgroundTasks } from "../kit/background";
import type { Upstream } from "../kit/http-client";
import { only, type Choice } from "../kit/weighted-choice";
import { redisReadiness, type RedisClient } from "../kit/redis";
import { cartRoutes } from "./cart";
import { Checkout } from "./checkout";
import { CartStore } from "./store";

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
  /** The checkout lock's lifetime; longer than a checkout can take. */
  readonly checkoutLockMs?: number;
}

export function createCartApp(deps: CartDeps): ServiceApp {
  const store = new CartStore(deps.redis);
  const { payment } = deps.upstreams;
  const checkout = new Checkout({
    store,
    ...deps.upstreams,
    payment: "pick" in payment ? payment : only(payment),
    background: deps.background,
    lockMs: deps.checkoutLockMs ?? 30_000,
  });
  return createServiceApp(deps.kit, {
    readiness: [redisReadiness(deps.redis)],
    routes: (app) => app.route("/cart", cartRoutes(store, deps.upstreams.catalog, checkout)),
  });
}
