/**
 * The Redis client every stateful service uses, configured so a Redis
 * outage never hangs a request:
 *
 * - the offline queue is disabled: while disconnected, commands fail at once
 *   (ClientOfflineError → 503) instead of piling up;
 * - a PING every third of REDIS_TIMEOUT_MS plus a socket idle timeout of
 *   REDIS_TIMEOUT_MS: a Redis that stops answering (hung, partitioned) drops
 *   the connection and fails its in-flight commands within that bound (node-redis
 *   command timeouts only cover commands not yet written, so they are not enough);
 * - reconnects forever with capped exponential backoff, so the service
 *   recovers by itself when Redis is back, without a restart.
 *
 * State changes are logged once each, not on every failed reconnect.
 */
import { createHash } from "node:crypto";
import { createClient, ErrorReply, type RedisClientType } from "redis";
import { treatAsStoreUnavailable } from "./errors";
import type { ReadinessCheck } from "./health";
import type { Logger } from "./logger";
import { isStoreUnavailable } from "./redis-errors";

treatAsStoreUnavailable(isStoreUnavailable);

/** node-redis with its defaults (RESP3, no extra modules or scripts). */
export type RedisClient = RedisClientType;

export interface RedisOptions {
  /**
   * redis:// or rediss:// (TLS); the user name may ride in it
   * (redis://cart@host:6379, the service's ACL user), the password comes in `password`.
   */
  readonly url: string;
  readonly password?: string | undefined;
  /** Bound on a Redis round trip, in milliseconds. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Client name shown by CLIENT LIST, e.g. "cart". */
  readonly name?: string;
}

/**
 * Reconnect delays: 50 ms doubling up to 1 s, with jitter so replicas do not
 * stampede. The cap bounds how long a service keeps answering 503 after
 * Redis is back (the resilience suite holds it to 2 s); one attempt a second
 * per client costs a down Redis nothing.
 */
export function reconnectDelay(retries: number): number {
  const base = Math.min(50 * 2 ** Math.min(retries, 10), 1_000);
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/**
 * The URL's address and credentials apart: node-redis ignores the `password`
 * option once the URL names a user, so a user name in REDIS_URL with the
 * password in REDIS_PASSWORD is passed as options instead. `display` is the
 * URL without any credential, for logs.
 */
export function redisCredentials(url: string, password: string | undefined): { url: string; display: string; username?: string; password?: string } {
  const parsed = new URL(url);
  const username = decodeURIComponent(parsed.username) || undefined;
  const secret = decodeURIComponent(parsed.password) || password || undefined;
  parsed.username = "";
  parsed.password = "";
  const bare = parsed.toString().replace(/\/$/, "");
  return { url: bare, display: username ? bare.replace("://", `://${username}@`) : bare, ...(username ? { username } : {}), ...(secret ? { password: secret } : {}) };
}

export function createRedis(options: RedisOptions): RedisClient {
  const credentials = redisCredentials(options.url, options.password);
  const client = createClient({
    url: credentials.url,
    ...(credentials.username ? { username: credentials.username } : {}),
    ...(credentials.password ? { password: credentials.password } : {}),
    ...(options.name ? { name: options.name } : {}),
    disableOfflineQueue: true,
    // no CLIENT SETINFO: the ACL users (services/redis-acl.ts) are granted exactly what we send
    disableClientInfo: true,
    pingInterval: Math.max(Math.floor(options.timeoutMs / 3), 20),
    commandOptions: { timeout: options.timeoutMs },
    socket: {
      connectTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      reconnectStrategy: reconnectDelay,
    },
  });
  let healthy: boolean | undefined;
  client.on("ready", () => {
    if (healthy !== true) options.logger.info("redis connected", { url: credentials.display });
    healthy = true;
  });
  client.on("error", (err: Error) => {
    if (healthy !== false) options.logger.warn("redis unavailable", { url: credentials.display, err: err.message });
    healthy = false;
  });
  return client;
}

/** Starts connecting in the background; the service serves (503s) until Redis answers. */
export function connectInBackground(client: RedisClient, logger: Logger): void {
  client.connect().catch((err: Error) => {
    // Only reached when the client is closed while still connecting.
    logger.debug("redis connect abandoned", { err: err.message });
  });
}

/**
 * Runs `task` whenever the client becomes ready: at the first connection and
 * after every reconnect (a Redis restarted without persistence needs its
 * seed data and consumer groups again). Failures are logged, not thrown.
 */
export function onEveryConnect(client: RedisClient, logger: Logger, name: string, task: () => Promise<unknown>): void {
  const run = () => {
    task().catch((err: unknown) => logger.warn(`${name} failed`, { err: err instanceof Error ? err.message : String(err) }));
  };
  client.on("ready", run);
  if (client.isReady) run();
}

/** Readiness: the connection is up and Redis answers PING. */
export function redisReadiness(client: RedisClient): ReadinessCheck {
  return async () => {
    if (!client.isReady) return "redis is not connected";
    try {
      await client.ping();
      return null;
    } catch (err) {
      return `redis does not answer: ${(err as Error).message}`;
    }
  };
}

/** Closes the client: waits for in-flight replies when connected, else drops it. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) {
    await client.close().catch(() => client.destroy());
  } else {
    client.destroy();
  }
}

/**
 * A Lua script run with EVALSHA, falling back to EVAL once when Redis does
 * not know it yet (first use, or after a Redis restart).
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const options = { keys: [...keys], arguments: args.map(String) };
    try {
      return await client.evalSha(this.sha, options);
    } catch (err) {
      if (!(err instanceof ErrorReply && err.message.startsWith("NOSCRIPT"))) throw err;
    }
    return client.eval(this.source, options);
  }
}
