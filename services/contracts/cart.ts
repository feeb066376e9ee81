/** cart: lines of product and quantity per shopper, and the checkout's answer. */
import { z } from "zod";
import { CustomerId, MAX_LINE_QUANTITY, MAX_QUANTITY_PER_ADD, OrderId, ProductId } from "./ids";
import { OrderLine } from "./order";

export const AddToCart = z.object({
  product_id: ProductId,
  quantity: z
    .number({ error: (issue) => (issue.input === undefined ? "is required" : "must be a number") })
    .int({ message: "must be a whole number" })
    .positive({ message: "must be at least 1" })
    .max(MAX_QUANTITY_PER_ADD, { message: `must be at most ${MAX_QUANTITY_PER_ADD}` }),
});
export type AddToCart = z.infer<typeof AddToCart>;

export const CartLine = z.object({ product_id: ProductId, quantity: z.number().int().positive().max(MAX_LINE_QUANTITY) });
export type CartLine = z.infer<typeof CartLine>;

export const Cart = z.object({
  user_id: CustomerId,
  items: z.array(CartLine),
  /** Changes on every change of the cart (an emptied cart is revision 0 again). */
  revision: z.number().int().nonnegative(),
});
export type Cart = z.infer<typeof Cart>;

export const CheckoutResult = z.object({
  status: z.literal("completed"),
  order_id: OrderId,
  payment_id: z.string(),
  /** The payment version that charged (v1 or v2: the canary), for the storefront's confirmation. */
  payment_version: z.string(),
  total_cents: z.number().int().nonnegative(),
  items: z.array(OrderLine),
});
export type CheckoutResult = z.infer<typeof CheckoutResult>;
