/**
 * POST /orders (idempotent by Idempotency-Key, in the key space of the calling
 * service named by x-meshmart-caller: services/contracts/caller.ts), GET /orders/:id with the user
 * fetched live from users, GET /orders?user_id=.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import { rejected, type Upstream } from "../kit/http-client";
import { jsonBody, validate } from "../kit/validation";
import { CALLER_HEADER, CallerHeader, scopedKey } from "../contracts/caller";
import { CustomerId, IdempotencyHeader, OrderIdParam, UserIdParam } from "../contracts/ids";
import { NewOrder, type Order, type OrderView } from "../contracts/order";
import { User } from "../contracts/user";
import type { OrdersStore } from "./orders-store";

/**
 * The order's user, live from users. Shoppers whose id is not a users id
 * ("user123") and ids users does not know have no user: null, never a made-up
 * one. users failing is the request failing (502/503/504 from the client).
 */
async function userOf(users: Upstream, userId: string): Promise<User | null> {
  if (!UserIdParam.safeParse(userId).success) return null;
  const reply = await users.getJson(`/users/${userId}`, User);
  if (reply.ok) return reply.data;
  if (reply.status === 404) return null;
  throw rejected(users.name, reply, `the lookup of user ${userId}`);
}

function view(order: Order, user: User | null): OrderView {
  const { order_id, ...rest } = order;
  return { order_id, user, ...rest };
}

export function ordersRoutes(store: OrdersStore, users: Upstream): Hono<ServiceEnv> {
  return new Hono<ServiceEnv>()
    .post("/", validate("header", IdempotencyHeader.extend(CallerHeader.shape)), jsonBody(NewOrder), async (c) => {
      const headers = c.req.valid("header");
      const key = headers["idempotency-key"];
      const outcome = await store.create(scopedKey(headers[CALLER_HEADER], key), c.req.valid("json"));
      if (outcome.kind === "conflict") {
        throw new AppError(422, "idempotency_key_reused", `Idempotency-Key ${key} was used for order ${outcome.orderId} with a different body`);
      }
      if (outcome.kind === "replayed") c.header("Idempotent-Replayed", "true");
      return c.json(outcome.order, outcome.kind === "created" ? 201 : 200);
    })
    .get("/", validate("query", z.object({ user_id: CustomerId })), async (c) => {
      const { user_id } = c.req.valid("query");
      return c.json({ orders: await store.listByUser(user_id) });
    })
    .get("/:id", validate("param", z.object({ id: OrderIdParam })), async (c) => {
      const { id } = c.req.valid("param");
      const order = await store.get(id);
      if (!order) throw new AppError(404, "order_not_found", `no order ${id}`);
      return c.json(view(order, await userOf(users, order.user_id)));
    });
}
