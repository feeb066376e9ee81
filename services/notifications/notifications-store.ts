/**
 * Notifications in Redis, idempotent by id: the first write of an id wins,
 * repeats (a retried POST, a redelivered event) return it unchanged.
 *
 *   notifications:id:<id>       notification JSON, kept 7 days (the dedupe record)
 *   notifications:user:<user>   list of notification JSON, newest first, capped
 */
import { Notification } from "../contracts/notification";
import { LuaScript, type RedisClient } from "../kit/redis-client";

const DEDUPE_SECONDS = 7 * 24 * 3600;
/** Notifications kept per user. */
export const MAX_PER_USER = 100;

const ADD = new LuaScript(`
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
return {1, ARGV[1]}
`);

export class NotificationsStore {
  constructor(private readonly redis: RedisClient) {}

  /** Stores `notification` unless its id is known; says which happened and returns the stored one. */
  async add(notification: Notification): Promise<{ created: boolean; notification: Notification }> {
    const [created, json] = (await ADD.run(
      this.redis,
      [`notifications:id:${notification.id}`, `notifications:user:${notification.user_id}`],
      [JSON.stringify(notification), DEDUPE_SECONDS, MAX_PER_USER],
    )) as [number, string];
    return { created: created === 1, notification: Notification.parse(JSON.parse(json)) };
  }

  /** The user's notifications, newest first. */
  async list(userId: string, limit = MAX_PER_USER): Promise<Notification[]> {
    const values = await this.redis.lRange(`notifications:user:${userId}`, 0, limit - 1);
    return values.map((json) => Notification.parse(JSON.parse(json)));
  }
}
