/**
 * Carts in Redis. Every change is one Lua script, so concurrent adds never
 * lose an update (the quantity is incremented in Redis, not read-modify-
 * written here) and every change moves the cart to a new revision, drawn
 * from one global sequence so a revision is never reused.
 *
 *   cart:<user>:items     hash product_id → quantity
 *   cart:<user>:rev       the cart's current revision
 *   cart:rev-seq          INCR → the next revision, for every cart
 *   cart:<user>:pending   the checkout in progress (its random idempotency key,
 *                         the priced lines), until settled
 *   cart:<user>:lock      held by the one checkout running for the cart
 *
 * Nothing grows without bound: every change sets the cart's keys to expire
 * after the idle time (CART_TTL_SECONDS); while a checkout is pending they
 * expire with it instead, at a deadline no change extends (so the pending
 * checkout never outlives the records that replay its charge, see
 * services/retention.ts, and never leaves its cart behind to be charged
 * again). An emptied cart with nothing pending leaves no key at all.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { MAX_CART_LINES, MAX_LINE_QUANTITY } from "../contracts/ids";
import { OrderLine } from "../contracts/order";
import type { Cart, CartLine } from "../contracts/cart";
import { LuaScript, type RedisClient } from "../kit/redis-client";
import { RETENTION, type Retention } from "../retention";

/**
 * Helpers shared by the scripts. KEYS: [1] items, [2] rev, [3] the revision
 * sequence, [4] pending. ARGV[1] is always the idle lifetime in ms.
 * touch(): the cart's keys expire with the pending checkout if there is
 * one (PEXPIRETIME, Redis 7), else after the idle time; an empty cart with
 * nothing pending is deleted.
 */
const HELPERS = `local function snapshot() return {redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1])} end
local function bump() local rev = redis.call('INCR', KEYS[3]); redis.call('SET', KEYS[2], rev) end
local function touch()
  local deadline = redis.call('PEXPIRETIME', KEYS[4])
  if deadline > 0 then
    redis.call('PEXPIREAT', KEYS[1], deadline)
    redis.call('PEXPIREAT', KEYS[2], deadline)
  elseif redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('DEL', KEYS[2])
  else
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    redis.call('PEXPIRE', KEYS[2], ARGV[1])
  end
end
`;

const READ = new LuaScript(`${HELPERS}return snapshot()`);

const ADD = new LuaScript(`${HELPERS}
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
local add = tonumber(ARGV[3])
if current + add > tonumber(ARGV[4]) then return {'LINE_LIMIT', current} end
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return {'CART_FULL', 0} end
redis.call('HINCRBY', KEYS[1], ARGV[2], add)
bump()
touch()
return {'OK', snapshot()}
`);

const REMOVE = new LuaScript(`${HELPERS}
if redis.call('HDEL', KEYS[1], ARGV[2]) == 0 then return {'MISSING', 0} end
bump()
touch()
return {'OK', snapshot()}
`);

/** Removes what a checkout bought (not lines added meanwhile) and forgets the pending checkout. */
const SETTLE = new LuaScript(`${HELPERS}
for i = 2, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    local left = redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1]))
    if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
  end
end
bump()
redis.call('DEL', KEYS[4])
touch()
return 1
`);

/** Forgets a pending checkout that will not complete (declined) and moves to a new revision. */
const ABANDON = new LuaScript(`${HELPERS}
redis.call('DEL', KEYS[4])
bump()
touch()
return 1
`);

/** Records the pending checkout for `ARGV[2]` ms; the cart's keys now expire with it. */
const BEGIN = new LuaScript(`${HELPERS}
redis.call('SET', KEYS[4], ARGV[3], 'PX', ARGV[2])
touch()
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

/** The lifetimes the store applies (services/retention.ts has the defaults and the rule). */
export type CartRetention = Pick<Retention, "cartIdleMs" | "pendingCheckoutMs">;

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
  private readonly retention: CartRetention;

  constructor(
    private readonly redis: RedisClient,
    retention: Partial<CartRetention> = {},
  ) {
    this.retention = { cartIdleMs: retention.cartIdleMs ?? RETENTION.cartIdleMs, pendingCheckoutMs: retention.pendingCheckoutMs ?? RETENTION.pendingCheckoutMs };
  }

  async read(userId: string): Promise<Cart> {
    return cartOf(userId, (await READ.run(this.redis, keys(userId), [])) as [string, string[]]);
  }

  async add(userId: string, productId: string, quantity: number): Promise<AddOutcome> {
    const [status, value] = (await ADD.run(this.redis, keys(userId), [this.retention.cartIdleMs, productId, quantity, MAX_LINE_QUANTITY, MAX_CART_LINES])) as [string, unknown];
    if (status === "LINE_LIMIT") return { kind: "line_limit", current: Number(value) };
    if (status === "CART_FULL") return { kind: "cart_full" };
    return { kind: "ok", cart: cartOf(userId, value as [string, string[]]) };
  }

  /** The cart after removing the line, or undefined when it had no such line. */
  async remove(userId: string, productId: string): Promise<Cart | undefined> {
    const [status, value] = (await REMOVE.run(this.redis, keys(userId), [this.retention.cartIdleMs, productId])) as [string, unknown];
    return status === "OK" ? cartOf(userId, value as [string, string[]]) : undefined;
  }

  async pending(userId: string): Promise<PendingCheckout | undefined> {
    const json = await this.redis.get(keys(userId)[3]!);
    return json ? PendingCheckout.parse(JSON.parse(json)) : undefined;
  }

  /** Records the pending checkout; from now on the cart's keys expire with it, whatever changes. */
  async savePending(userId: string, pending: PendingCheckout): Promise<void> {
    await BEGIN.run(this.redis, keys(userId), [this.retention.cartIdleMs, this.retention.pendingCheckoutMs, JSON.stringify(pending)]);
  }

  /** After a completed checkout: take the bought lines out of the cart. */
  async settle(userId: string, lines: readonly { product_id: string; quantity: number }[]): Promise<void> {
    await SETTLE.run(this.redis, keys(userId), [this.retention.cartIdleMs, ...lines.flatMap((line) => [line.product_id, line.quantity])]);
  }

  /** After a declined payment: the cart stays (idle again), the next attempt begins anew with a new key. */
  async abandon(userId: string): Promise<void> {
    await ABANDON.run(this.redis, keys(userId), [this.retention.cartIdleMs]);
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
