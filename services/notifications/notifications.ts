/** POST /notifications (idempotent by a client-supplied id) and GET /notifications/:userId. */
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import type { ServiceEnv } from "../kit/context";
import { jsonBody, validate } from "../kit/validation";
import { CustomerId } from "../contracts/ids";
import { NewNotification } from "../contracts/notification";
import type { NotificationsStore } from "./notifications-store";

export function notificationsRoutes(store: NotificationsStore): Hono<ServiceEnv> {
  return new Hono<ServiceEnv>()
    .post("/", jsonBody(NewNotification), async (c) => {
      const input = c.req.valid("json");
      const { created, notification } = await store.add({ ...input, id: input.id ?? `ntf_${randomUUID()}`, created_at: new Date().toISOString() });
      if (!created) c.header("Idempotent-Replayed", "true");
      return c.json(notification, created ? 201 : 200);
    })
    .get("/:userId", validate("param", z.object({ userId: CustomerId })), async (c) => {
      const { userId } = c.req.valid("param");
      return c.json({ user_id: userId, notifications: await store.list(userId) });
    });
}
