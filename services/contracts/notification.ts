/** notifications: messages to a shopper, idempotent by id. */
import { z } from "zod";
import { CustomerId } from "./ids";

export const NotificationId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { message: "must be 1-128 letters, digits, '.', '_', ':' or '-'" });

export const NewNotification = z.object({
  /** Makes the POST idempotent: the same id is stored once. Generated when absent. */
  id: NotificationId.optional(),
  user_id: CustomerId,
  type: z.string().regex(/^[a-z]+([._][a-z]+)*$/, { message: 'must look like "order.created"' }).max(64),
  message: z.string().min(1).max(500),
});
export type NewNotification = z.infer<typeof NewNotification>;

export const Notification = NewNotification.extend({ id: NotificationId, created_at: z.string() });
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({ user_id: CustomerId, notifications: z.array(Notification) });
