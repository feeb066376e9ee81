/**
 * GET /cart/:userId, POST /cart/:userId/add, DELETE
 * /cart/:userId/items/:productId, POST /cart/:userId/checkout.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import { rejected, type Upstream } from "../kit/http-client";
import { jsonBody, validate } from "../kit/validation";
import { AddToCart } from "../contracts/cart";
import { CustomerId, MAX_CART_LINES, MAX_LINE_QUANTITY, ProductId } from "../contracts/ids";
import { Product } from "../contracts/product";
import type { Checkout } from "./checkout";
import type { CartStore } from "./cart-store";

const UserParam = z.object({ userId: CustomerId });

/** The product must exist in catalog before it goes into a cart. */
async function requireProduct(catalog: Upstream, productId: string): Promise<void> {
  const reply = await catalog.getJson(`/products/${productId}`, Product);
  if (reply.ok) return;
  if (reply.status === 404) throw new AppError(422, "unknown_product", `there is no product ${productId}`);
  throw rejected(catalog.name, reply, `product ${productId}`);
}

export function cartRoutes(store: CartStore, catalog: Upstream, checkout: Checkout): Hono<ServiceEnv> {
  return new Hono<ServiceEnv>()
    .get("/:userId", validate("param", UserParam), async (c) => c.json(await store.read(c.req.valid("param").userId)))
    .post("/:userId/add", validate("param", UserParam), jsonBody(AddToCart), async (c) => {
      const { userId } = c.req.valid("param");
      const { product_id, quantity } = c.req.valid("json");
      await requireProduct(catalog, product_id);
      const outcome = await store.add(userId, product_id, quantity);
      if (outcome.kind === "line_limit") {
        throw new AppError(422, "quantity_limit", `the cart has ${outcome.current} of product ${product_id}; a line holds at most ${MAX_LINE_QUANTITY}`);
      }
      if (outcome.kind === "cart_full") throw new AppError(422, "cart_full", `a cart holds at most ${MAX_CART_LINES} different products`);
      return c.json(outcome.cart);
    })
    .delete("/:userId/items/:productId", validate("param", z.object({ userId: CustomerId, productId: ProductId })), async (c) => {
      const { userId, productId } = c.req.valid("param");
      const cart = await store.remove(userId, productId);
      if (!cart) throw new AppError(404, "item_not_in_cart", `${userId}'s cart has no product ${productId}`);
      return c.json(cart);
    })
    .post("/:userId/checkout", validate("param", UserParam), async (c) => c.json(await checkout.run(c.req.valid("param").userId), 201));
}
