/** orders: what a checkout creates, and what GET /orders/:id shows (with the user). */
import { z } from "zod";
import { Cents, CustomerId, MAX_CART_LINES, MAX_LINE_QUANTITY, OrderId, ProductId } from "./ids";
import { User } from "./user";

export const OrderLine = z.object({
  product_id: ProductId,
  name: z.string().min(1).max(200),
  quantity: z.number().int().positive().max(MAX_LINE_QUANTITY),
  unit_price_cents: z.number().int().positive(),
});
export type OrderLine = z.infer<typeof OrderLine>;

const orderFields = {
  user_id: CustomerId,
  items: z.array(OrderLine).min(1, { message: "an order has at least one line" }).max(MAX_CART_LINES),
  total_cents: Cents,
  payment_id: z.string().min(1).max(128),
};

/** The sum of the lines, in cents. */
export function totalOf(items: readonly OrderLine[]): number {
  return items.reduce((sum, line) => sum + line.quantity * line.unit_price_cents, 0);
}

export const NewOrder = z.object(orderFields).refine((order) => order.total_cents === totalOf(order.items), {
  message: "must equal the sum of quantity × unit_price_cents over the items",
  path: ["total_cents"],
});
export type NewOrder = z.infer<typeof NewOrder>;

export const Order = z.object({
  order_id: OrderId,
  ...orderFields,
  status: z.literal("created"),
  created_at: z.string(),
});
export type Order = z.infer<typeof Order>;

/** GET /orders/:id: the order with its user fetched live from users (null when users has no such user). */
export const OrderView = Order.extend({ user: User.nullable() });
export type OrderView = z.infer<typeof OrderView>;

export const OrderList = z.object({ orders: z.array(Order) });
