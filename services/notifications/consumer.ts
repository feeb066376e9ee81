/**
 * Consumes the `events` stream with the consumer group "notifications":
 * at-least-once delivery made idempotent by the event id (the notification
 * id is "event-<stream id>"), so a redelivery stores nothing twice.
 *
 * - XREADGROUP (BLOCK, on a connection of its own) reads new entries; each is
 *   handled, then XACKed. A failure before the ack leaves it pending.
 * - XAUTOCLAIM takes over entries pending longer than `claimIdleMs` from any
 *   consumer (one that died, or this one before a restart), so nothing is lost.
 * - The group is created from the start of the stream (MKSTREAM), again after
 *   a Redis that lost it (NOGROUP).
 * - Malformed or unknown events are acknowledged and counted, never retried
 *   forever.
 * - Redis down: the loop backs off and carries on when it is back.
 * - stop() ends the loop promptly (it interrupts a blocked read) and waits
 *   for the entry in hand to finish.
 */
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Counter, type Registry } from "prom-client";
import { ErrorReply } from "redis";
import { EVENTS_STREAM, OrderCreatedEvent } from "../contracts/event";
import { formatCents } from "../contracts/money";
import type { Logger } from "../kit/logger";
import { connectInBackground, reconnectDelay, type RedisClient } from "../kit/redis-client";
import { consumeTraced, TRACEPARENT_FIELD } from "../kit/tracing-hooks";
import type { NotificationsStore } from "./notifications-store";

export const CONSUMER_GROUP = "notifications";

export interface ConsumerOptions {
  /** The service's client: acks, claims and the store's writes. */
  readonly redis: RedisClient;
  readonly store: NotificationsStore;
  readonly logger: Logger;
  readonly registry: Registry;
  /** This consumer's name in the group; unique per process. */
  readonly consumer?: string;
  /** How long one XREADGROUP blocks; keep it below the Redis timeout. */
  readonly blockMs?: number;
  /** Entries pending longer than this are claimed from whoever holds them. */
  readonly claimIdleMs?: number;
  /** How often to look for such entries. */
  readonly claimEveryMs?: number;
  readonly batch?: number;
}

interface Entry {
  readonly id: string;
  readonly message: Record<string, string>;
}

type Outcome = "notified" | "duplicate" | "ignored" | "rejected";

function entriesOf(reply: unknown): Entry[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((stream: { messages?: unknown }) =>
    Array.isArray(stream?.messages) ? (stream.messages as (Entry | null)[]).filter((m): m is Entry => m !== null) : [],
  );
}

export class EventsConsumer {
  private readonly blocking: RedisClient;
  private readonly consumed: Counter<"type" | "outcome">;
  private readonly name: string;
  private readonly stopSignal = new AbortController();
  private running: Promise<void> | undefined;
  private blocked = false;
  private groupReady = false;

  constructor(private readonly options: ConsumerOptions) {
    this.name = options.consumer ?? `${hostname()}-${process.pid}`;
    this.blocking = options.redis.duplicate();
    this.blocking.on("error", () => undefined); // the service's own client logs Redis' state
    this.consumed = new Counter({
      name: "events_consumed_total",
      help: "Events consumed from the events stream, by type and outcome (notified, duplicate, ignored, rejected).",
      labelNames: ["type", "outcome"] as const,
      registers: [options.registry],
    });
  }

  start(): void {
    if (this.running) return;
    connectInBackground(this.blocking, this.options.logger);
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    if (this.blocked) this.blocking.destroy(); // interrupts the blocked XREADGROUP at once
    await this.running;
    if (this.blocking.isOpen) this.blocking.destroy();
  }

  private get stopping(): boolean {
    return this.stopSignal.signal.aborted;
  }

  private async loop(): Promise<void> {
    const claimEveryMs = this.options.claimEveryMs ?? 5_000;
    let lastClaim = 0;
    let failures = 0;
    while (!this.stopping) {
      if (!this.options.redis.isReady || !this.blocking.isReady) {
        // Redis is down or still connecting: the service's client logs that; wait quietly.
        await sleep(100, undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
        continue;
      }
      try {
        if (!this.groupReady) await this.ensureGroup();
        if (Date.now() - lastClaim >= claimEveryMs) {
          lastClaim = Date.now();
          await this.handleAll(await this.claimStale());
        }
        await this.handleAll(await this.readNew());
        if (failures) this.options.logger.info("events consumer resumed");
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        if (err instanceof ErrorReply && err.message.startsWith("NOGROUP")) this.groupReady = false;
        if (!failures) this.options.logger.warn("events consumer paused", { err: (err as Error).message });
        failures++;
        await sleep(reconnectDelay(failures), undefined, { signal: this.stopSignal.signal }).catch(() => undefined);
      }
    }
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.options.redis.xGroupCreate(EVENTS_STREAM, CONSUMER_GROUP, "0", { MKSTREAM: true });
    } catch (err) {
      if (!(err instanceof ErrorReply && err.message.startsWith("BUSYGROUP"))) throw err;
    }
    this.groupReady = true;
  }

  private async claimStale(): Promise<Entry[]> {
    const claimed: Entry[] = [];
    let cursor = "0-0";
    do {
      const reply = await this.options.redis.xAutoClaim(EVENTS_STREAM, CONSUMER_GROUP, this.name, this.options.claimIdleMs ?? 30_000, cursor, {
        COUNT: this.options.batch ?? 50,
      });
      claimed.push(...(reply.messages as (Entry | null)[]).filter((m): m is Entry => m !== null));
      cursor = String(reply.nextId);
    } while (cursor !== "0-0" && !this.stopping);
    if (claimed.length) this.options.logger.info("claimed stale events", { count: claimed.length });
    return claimed;
  }

  private async readNew(): Promise<Entry[]> {
    this.blocked = true;
    try {
      const reply = await this.blocking.xReadGroup(
        CONSUMER_GROUP,
        this.name,
        { key: EVENTS_STREAM, id: ">" },
        { COUNT: this.options.batch ?? 50, BLOCK: this.options.blockMs ?? 1_000 },
      );
      return entriesOf(reply);
    } finally {
      this.blocked = false;
    }
  }

  private async handleAll(entries: readonly Entry[]): Promise<void> {
    for (const entry of entries) {
      // in the producing request's trace, when traced (kit/tracing-hooks.ts)
      const message = { destination: EVENTS_STREAM, group: CONSUMER_GROUP, id: entry.id, traceparent: entry.message[TRACEPARENT_FIELD] };
      await consumeTraced(message, async () => {
        const outcome = await this.handle(entry);
        await this.options.redis.xAck(EVENTS_STREAM, CONSUMER_GROUP, entry.id);
        this.consumed.inc({ type: entry.message.type ?? "unknown", outcome });
      });
    }
  }

  private async handle(entry: Entry): Promise<Outcome> {
    if (entry.message.type !== "order.created") return "ignored";
    const event = OrderCreatedEvent.safeParse(entry.message);
    if (!event.success) {
      this.options.logger.error("rejected malformed event", { id: entry.id, fields: entry.message, reason: event.error.issues[0]?.message });
      return "rejected";
    }
    const { created } = await this.options.store.add({
      id: `event-${entry.id}`,
      user_id: event.data.user_id,
      type: "order.created",
      message: `Order #${event.data.order_id} confirmed: ${formatCents(event.data.total_cents)}.`,
      created_at: new Date().toISOString(),
    });
    return created ? "notified" : "duplicate";
  }
}
