/**
 * Orders in Redis. Creating one is a single Lua script, so the idempotency
 * record, the order, the per-user index and the `order.created` event on the
 * `events` stream are written together or not at all: a retried POST with
 * the same Idempotency-Key finds the first order instead of making another.
 *
 *   orders:seq              INCR → the next order id
 *   orders                  hash id → order JSON (without order_id)
 *   orders:idem:<caller>:<key>  "<fingerprint> <id>", kept RETENTION.ordersIdempotencyMs
 *                           (7 days): one key space per calling service
 *   orders:by-user:<user>   sorted set of the user's order ids
 *   events                  stream: type=order.created order_id user_id total_cents [traceparent]
 *                           (the creating request's trace context, so notifications joins its trace)
 */
import type { ScopedKey } from "../contracts/caller";
import { EVENTS_STREAM, orderCreatedFields } from "../contracts/event";
import { Order, type NewOrder } from "../contracts/order";
import { fingerprint } from "../kit/fingerprint";
import { LuaScript, type RedisClient } from "../kit/redis-client";
import { produceTraced, TRACEPARENT_FIELD } from "../kit/tracing-hooks";
import { RETENTION } from "../retention";
import { SEED_ORDER } from "./seed";


/** The stream keeps about this many events (XADD MAXLEN ~). */
const EVENTS_MAXLEN = 100_000;

const CREATE = new LuaScript(`
local existing = redis.call('GET', KEYS[3])
if existing then
  local sep = string.find(existing, ' ', 1, true)
  local id = string.sub(existing, sep + 1)
  if string.sub(existing, 1, sep - 1) ~= ARGV[1] then return {'CONFLICT', id} end
  return {'EXISTS', id, redis.call('HGET', KEYS[2], id)}
end
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[2])
redis.call('SET', KEYS[3], ARGV[1] .. ' ' .. id, 'PX', ARGV[3])
redis.call('ZADD', KEYS[4], id, id)
local fields = {'order_id', tostring(id)}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', unpack(fields))
return {'CREATED', tostring(id), ARGV[2]}
`);

const SEED = new LuaScript(`
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[3], ARGV[1], ARGV[1])
end
if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
`);

export type CreateOutcome =
  | { readonly kind: "created" | "replayed"; readonly order: Order }
  | { readonly kind: "conflict"; readonly orderId: number };

const keys = {
  seq: "orders:seq",
  orders: "orders",
  idempotency: (scope: string, key: string) => `orders:idem:${scope}:${key}`,
  byUser: (userId: string) => `orders:by-user:${userId}`,
};

function payload(order: Order): string {
  const { order_id: _id, ...rest } = order;
  return JSON.stringify(rest);
}

function parseOrder(id: string | number, json: string): Order {
  return Order.parse({ order_id: Number(id), ...(JSON.parse(json) as object) });
}

export class OrdersStore {
  constructor(private readonly redis: RedisClient) {}

  /** Creates the order unless its caller already did under the same key. */
  async create({ scope, key }: ScopedKey, input: NewOrder, now = new Date()): Promise<CreateOutcome> {
    const order: Order = { order_id: 1, ...input, status: "created", created_at: now.toISOString() };
    const reply = (await produceTraced(EVENTS_STREAM, (traceparent) => {
      const fields = Object.entries(orderCreatedFields(order)).flat();
      if (traceparent) fields.push(TRACEPARENT_FIELD, traceparent);
      return CREATE.run(
        this.redis,
        [keys.seq, keys.orders, keys.idempotency(scope, key), keys.byUser(input.user_id), EVENTS_STREAM],
        [fingerprint(input), payload(order), RETENTION.ordersIdempotencyMs, EVENTS_MAXLEN, ...fields],
      );
    })) as [string, string, string?];
    const [status, id, json] = reply;
    if (status === "CONFLICT") return { kind: "conflict", orderId: Number(id) };
    return { kind: status === "CREATED" ? "created" : "replayed", order: parseOrder(id, json!) };
  }

  async get(id: number): Promise<Order | undefined> {
    const json = await this.redis.hGet(keys.orders, String(id));
    return json ? parseOrder(id, json) : undefined;
  }

  /** The user's orders, newest first, at most `limit`. */
  async listByUser(userId: string, limit = 100): Promise<Order[]> {
    const ids = await this.redis.zRange(keys.byUser(userId), 0, limit - 1, { REV: true });
    if (!ids.length) return [];
    const values = await this.redis.hmGet(keys.orders, ids);
    return ids.flatMap((id, i) => (values[i] ? [parseOrder(id, values[i]!)] : []));
  }

  /** Writes the seed order where it is missing (idempotent, safe at every start). */
  async seed(order: Order = SEED_ORDER): Promise<void> {
    await SEED.run(this.redis, [keys.seq, keys.orders, keys.byUser(order.user_id)], [order.order_id, payload(order)]);
  }
}
