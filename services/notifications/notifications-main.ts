import { runService } from "../kit/run";
import { createNotificationsService } from "./notifications-app";

void runService("notifications", ({ kit, config, redis }) =>
  createNotificationsService({ kit, redis: redis(), consumer: { blockMs: Math.min(1_000, Math.floor(config.redisTimeoutMs / 2)) } }),
);
