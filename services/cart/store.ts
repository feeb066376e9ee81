/**
 * Carts in Redis. Every change is one Lua script, so concurrent adds never
 * lose an update (the quantity is incremented in Redis, not read-modify-
 * written here) and every change moves the cart to a new revision, drawn
 * from one global sequence so a revision is never reused, even after the cart
 * is emptied. A checkout's idempotency key derives from the revision.
 *
 *   cart:<user>:items     hash product_id → quantity
 *   cart:<user>:rev       the cart's current revision
 *   cart:rev-seq          INCR → the next revision, for every cart
 *   cart:<user>:pending   the checkout in progress (key, priced lines), until settled
 *   cart:<user>:lock      held by the one checkout running for the cart
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { MAX_CART_LINES, MAX_LINE_QUANTITY } from "../contracts/ids";
import { OrderLine } from "../contracts/order";
import type { Cart, CartLine } from "../contracts/cart";
import { LuaScript, type RedisClient } from "../kit/redis";

/** Returns the cart as {revision, flat hash}; KEYS[1] items, KEYS[2] rev. */
const SNAPSHOT = `local function snapshot() return {redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1])} end
local function bump() local rev = redis.call('INCR', KEYS[3]); redis.call('SET', KEYS[2], rev) end
`;

const READ = new LuaScript(`${SNAPSHOT}return snapshot()`);

const ADD = new LuaScript(`${SNAPSHOT}
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local add = tonumber(ARGV[2])
if current + add > tonumber(ARGV[3]) then return {'LINE_LIMIT', current} end
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return {'CART_FULL', 0} end
redis.call('HINCRBY', KEYS[1], ARGV[1], add)
bump()
return {'OK', snapshot()}
`);

const REMOVE = new LuaScript(`${SNAPSHOT}
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return {'MISSING', 0} end
bump()
return {'OK', snapshot()}
`);

/** Removes what a checkout bought (not lines added meanwhile) and forgets the pending checkout. */
const SETTLE = new LuaScript(`${SNAPSHOT}
for i = 1, #ARGV, 2 do
  local left = redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1]))
  if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
bump()
redis.call('DEL', KEYS[4])
return 1
`);

/** Forgets a pending checkout that will not complete (declined) and moves to a new revision. */
const ABANDON = new LuaScript(`${SNAPSHOT}
redis.call('DEL', KEYS[4])
bump()
return 1
`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** A checkout started but not settled: resumed as it was by the next attempt. */
export const PendingCheckout = z.object({
  idempotency_key: z.string(),
  revision: z.number().int(),
  lines: z.array(OrderLine),
  total_cents: z.number().int(),
});
export type PendingCheckout = z.infer<typeof PendingCheckout>;

/** How long a pending checkout is kept: as long as payment keeps its idempotency records. */
const PENDING_SECONDS = 24 * 3600;

export type AddOutcome = { readonly kind: "ok"; readonly cart: Cart } | { readonly kind: "line_limit"; readonly current: number } | { readonly kind: "cart_full" };

function keys(userId: string): string[] {
  return [`cart:${userId}:items`, `cart:${userId}:rev`, "cart:rev-seq", `cart:${userId}:pending`];
}

function cartOf(userId: string, [revision, flat]: [string, string[]]): Cart {
  const items: CartLine[] = [];
  for (let i = 0; i < flat.length; i += 2) items.push({ product_id: flat[i]!, quantity: Number(flat[i + 1]) });
  items.sort((a, b) => Number(a.product_id) - Number(b.product_id));
  return { user_id: userId, items, revision: Number(revision) };
}

export class CartStore {
  constructor(private readonly redis: RedisClient) {}

  async read(userId: string): Promise<Cart> {
    return cartOf(userId, (await READ.run(this.redis, keys(userId), [])) as [string, string[]]);
  }

  async add(userId: string, productId: string, quantity: number): Promise<AddOutcome> {
    const [status, value] = (await ADD.run(this.redis, keys(userId), [productId, quantity, MAX_LINE_QUANTITY, MAX_CART_LINES])) as [string, unknown];
    if (status === "LINE_LIMIT") return { kind: "line_limit", current: Number(value) };
    if (status === "CART_FULL") return { kind: "cart_full" };
    return { kind: "ok", cart: cartOf(userId, value as [string, string[]]) };
  }

  /** The cart after removing the line, or undefined when it had no such line. */
  async remove(userId: string, productId: string): Promise<Cart | undefined> {
    const [status, value] = (await REMOVE.run(this.redis, keys(userId), [productId])) as [string, unknown];
    return status === "OK" ? cartOf(userId, value as [string, string[]]) : undefined;
  }

  async pending(userId: string): Promise<PendingCheckout | undefined> {
    const json = await this.redis.get(keys(userId)[3]!);
    return json ? PendingCheckout.parse(JSON.parse(json)) : undefined;
  }

  async savePending(userId: string, pending: PendingCheckout): Promise<void> {
    await this.redis.set(keys(userId)[3]!, JSON.stringify(pending), { expiration: { type: "EX", value: PENDING_SECONDS } });
  }

  /** After a completed checkout: take the bought lines out of the cart. */
  async settle(userId: string, lines: readonly { product_id: string; quantity: number }[]): Promise<void> {
    await SETTLE.run(this.redis, keys(userId), lines.flatMap((line) => [line.product_id, line.quantity]));
  }

  /** After a declined payment: the cart stays, the next attempt gets a new revision and key. */
  async abandon(userId: string): Promise<void> {
    await ABANDON.run(this.redis, keys(userId), []);
  }

  /** Takes the cart's checkout lock for `ttlMs`; resolves to a release function, or undefined when taken. */
  async lock(userId: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const key = `cart:${userId}:lock`;
    const token = randomUUID();
    const taken = await this.redis.set(key, token, { condition: "NX", expiration: { type: "PX", value: ttlMs } });
    if (taken !== "OK") return undefined;
    return async () => {
      await RELEASE.run(this.redis, [key], [token]);
    };
  }
}
