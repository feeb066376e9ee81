/** notifications: notifications in Redis, fed by POSTs and by the events stream. */
import { createServiceApp, type KitOptions } from "../kit/service-app";
import { redisReadiness, type RedisClient } from "../kit/redis-client";
import type { RunningService } from "../kit/run";
import { CONSUMER_GROUP, EventsConsumer, type ConsumerOptions } from "./consumer";
import { registerEventsLag } from "./lag";
import { notificationsRoutes } from "./notifications";
import { NotificationsStore } from "./notifications-store";

export interface NotificationsDeps {
  readonly kit: KitOptions;
  readonly redis: RedisClient;
  /** Tuning of the events consumer (tests shorten the claim idle time). */
  readonly consumer?: Pick<ConsumerOptions, "consumer" | "blockMs" | "claimIdleMs" | "claimEveryMs" | "batch">;
}

/** The app, and the events consumer as its background worker. */
export function createNotificationsService(deps: NotificationsDeps): RunningService & { readonly consumer: EventsConsumer } {
  const store = new NotificationsStore(deps.redis);
  const consumer = new EventsConsumer({ ...deps.consumer, redis: deps.redis, store, logger: deps.kit.logger, registry: deps.kit.registry });
  registerEventsLag(deps.redis, deps.kit.registry, CONSUMER_GROUP);
  const app = createServiceApp(deps.kit, {
    readiness: [redisReadiness(deps.redis)],
    routes: (root) => root.route("/notifications", notificationsRoutes(store)),
  });
  return { app, consumer, start: () => consumer.start(), stop: () => consumer.stop() };
}
