/** orders: orders in Redis, order.created on the events stream, users fetched live. */
import { createServiceApp, type KitOptions } from "../kit/service-app";
import type { Upstream } from "../kit/http-client";
import { onEveryConnect, redisReadiness, type RedisClient } from "../kit/redis-client";
import type { RunningService } from "../kit/run";
import { ordersRoutes } from "./orders";
import { OrdersStore } from "./orders-store";

export interface OrdersDeps {
  readonly kit: KitOptions;
  readonly redis: RedisClient;
  readonly users: Upstream;
}

/** The app, and on start the seed order written at every connection to Redis. */
export function createOrdersService(deps: OrdersDeps): RunningService {
  const store = new OrdersStore(deps.redis);
  const app = createServiceApp(deps.kit, {
    readiness: [redisReadiness(deps.redis)],
    routes: (root) => root.route("/orders", ordersRoutes(store, deps.users)),
  });
  return { app, start: () => onEveryConnect(deps.redis, deps.kit.logger, "seeding order 1", () => store.seed()) };
}
