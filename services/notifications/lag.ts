/**
 * notifications' consumer lag on the `events` stream, read from Redis at
 * each scrape: XINFO GROUPS gives, for the group, `lag` (entries added to
 * the stream and not yet delivered to the group, Redis ≥ 7.0) and `pending`
 * (delivered, not yet acknowledged). Two gauges, labelled stream and group;
 * while Redis does not answer, or cannot tell the lag (Redis answers nil
 * after some XDEL/XTRIM), the gauge has no sample rather than a stale or
 * made-up one.
 */
import { Gauge, type Registry } from "prom-client";
import { EVENTS_STREAM } from "../contracts/event";
import type { RedisClient } from "../kit/redis-client";

export const EVENTS_LAG_METRIC = "events_consumer_lag";
export const EVENTS_PENDING_METRIC = "events_consumer_pending";

interface GroupInfo {
  readonly name: unknown;
  readonly pending: unknown;
  readonly lag?: unknown;
}

/** The group's XINFO GROUPS entry; undefined while Redis does not answer or the stream has no such group. */
async function groupInfo(redis: RedisClient, group: string): Promise<GroupInfo | undefined> {
  if (!redis.isReady) return undefined;
  try {
    const groups = (await redis.xInfoGroups(EVENTS_STREAM)) as unknown as GroupInfo[];
    return groups.find((g) => String(g.name) === group);
  } catch {
    return undefined; // no stream yet (the consumer creates it with its group), or Redis failing
  }
}

/** Registers the two gauges for `group` on `registry`; each scrape asks `redis`. */
export function registerEventsLag(redis: RedisClient, registry: Registry, group: string): void {
  const labels = { stream: EVENTS_STREAM, group };
  const gauge = (name: string, help: string, field: "lag" | "pending") =>
    new Gauge({
      name,
      help,
      labelNames: ["stream", "group"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const value = (await groupInfo(redis, group))?.[field];
        if (typeof value === "number") this.set(labels, value);
      },
    });
  gauge(EVENTS_LAG_METRIC, "Entries of the stream not yet delivered to the consumer group (XINFO GROUPS lag).", "lag");
  gauge(EVENTS_PENDING_METRIC, "Entries delivered to the consumer group and not yet acknowledged (XINFO GROUPS pending).", "pending");
}
