/**
 * Idempotency records and the ledger of charges, in Redis.
 *
 *   payment:idem:<caller>:<key>  {"state":"pending",…} while one request decides
 *                        (expires after PENDING_MS should that process die), then
 *                        {"state":"done",…,"payment":…} for RETENTION.paymentIdempotencyMs
 *                        (7 days): one key space per calling service
 *   payments             hash payment_id → payment JSON: every charge, exactly once
 *
 * A key is claimed atomically before anything is decided, so concurrent
 * requests with one key charge once: the others see "pending" (409) or the
 * stored result.
 */
import { z } from "zod";
import type { ScopedKey } from "../contracts/caller";
import { Payment } from "../contracts/payment";
import { LuaScript, type RedisClient } from "../kit/redis-client";
import { RETENTION } from "../retention";

const PENDING_MS = 10_000;

const IdempotencyRecord = z.discriminatedUnion("state", [
  z.object({ state: z.literal("pending"), fingerprint: z.string() }),
  z.object({ state: z.literal("done"), fingerprint: z.string(), payment: Payment }),
]);

const CLAIM = new LuaScript(`
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`);

export type Claim =
  | { readonly kind: "claimed" }
  | { readonly kind: "pending" }
  | { readonly kind: "done"; readonly payment: Payment }
  | { readonly kind: "conflict" };

const key = ({ scope, key: idempotencyKey }: ScopedKey) => `payment:idem:${scope}:${idempotencyKey}`;

export class PaymentsStore {
  constructor(private readonly redis: RedisClient) {}

  /** Claims `idempotencyKey` for a request with `fingerprint`, or says who has it. */
  async claim(idempotencyKey: ScopedKey, fingerprint: string): Promise<Claim> {
    const pending = JSON.stringify({ state: "pending", fingerprint });
    const existing = (await CLAIM.run(this.redis, [key(idempotencyKey)], [pending, PENDING_MS])) as string | null;
    if (existing === null) return { kind: "claimed" };
    const record = IdempotencyRecord.parse(JSON.parse(existing));
    if (record.fingerprint !== fingerprint) return { kind: "conflict" };
    return record.state === "done" ? { kind: "done", payment: record.payment } : { kind: "pending" };
  }

  /** Records the decision for the claimed key and the charge in the ledger, together. */
  async record(idempotencyKey: ScopedKey, fingerprint: string, payment: Payment): Promise<void> {
    await this.redis
      .multi()
      .set(key(idempotencyKey), JSON.stringify({ state: "done", fingerprint, payment }), { expiration: { type: "PX", value: RETENTION.paymentIdempotencyMs } })
      .hSet("payments", payment.payment_id, JSON.stringify(payment))
      .exec();
  }

  /** Gives a claim back when deciding failed, so a retry need not wait for it to expire. */
  async release(idempotencyKey: ScopedKey): Promise<void> {
    await this.redis.del(key(idempotencyKey));
  }
}
