/**
 * One shopper's journey through the edge: add a product to a fresh cart, then
 * check out. Shared by the smoke check and the canary (which drives many).
 * A declined payment (402, an injected fault in the mesh stacks) is an
 * answer of the shop, not a failure of the journey; the caller decides.
 */
import type { z } from "zod";
import { Cart, CheckoutResult } from "../../services/contracts/cart";
import { exchange, freshUserId, type Exchange } from "./http-exchange";

export interface Journey {
  readonly userId: string;
  readonly add: Exchange;
  /** Absent when the add already failed. */
  readonly checkout?: Exchange;
  /** The checkout's answer when it completed (201 with the contract's shape). */
  readonly result?: z.infer<typeof CheckoutResult>;
}

export async function addAndCheckOut(baseUrl: string, productId = "1", prefix = "check"): Promise<Journey> {
  const userId = freshUserId(prefix);
  const add = await exchange(baseUrl, "POST", `api/cart/${userId}/add`, { body: { product_id: productId, quantity: 1 } });
  if (add.status !== 200 || !Cart.safeParse(add.json).success) return { userId, add };
  const checkout = await exchange(baseUrl, "POST", `api/cart/${userId}/checkout`, { timeoutMs: 15_000 });
  const parsed = checkout.status === 201 ? CheckoutResult.safeParse(checkout.json) : undefined;
  return { userId, add, checkout, result: parsed?.success ? parsed.data : undefined };
}
