/**
 * Events on the Redis Stream `events`: orders appends them, notifications
 * consumes them with a consumer group. Stream fields are flat strings.
 * Besides its own fields an entry may carry `traceparent`, the W3C trace
 * context of the request that produced it (kit/tracing-hooks.ts), so its
 * handling joins that request's trace.
 */
import { z } from "zod";
import { CustomerId } from "./ids";
import type { Order } from "./order";

export const EVENTS_STREAM = "events";

export const OrderCreatedEvent = z.object({
  type: z.literal("order.created"),
  order_id: z.string().regex(/^[1-9]\d*$/).transform(Number),
  user_id: CustomerId,
  total_cents: z.string().regex(/^\d+$/).transform(Number),
});
export type OrderCreatedEvent = z.infer<typeof OrderCreatedEvent>;

/** The stream fields of `order.created` (order_id filled in by the writer). */
export function orderCreatedFields(order: Pick<Order, "user_id" | "total_cents">): Record<string, string> {
  return { type: "order.created", user_id: order.user_id, total_cents: String(order.total_cents) };
}
