/**
 * Which Redis client errors mean "the store is unreachable right now" (so
 * the request gets an honest 503) rather than a bug in our commands.
 */
import * as redis from "redis";

const UNAVAILABLE = [
  redis.ClientClosedError,
  redis.ClientOfflineError,
  redis.ConnectionTimeoutError,
  redis.DisconnectsClientError,
  redis.ReconnectStrategyError,
  redis.SocketClosedUnexpectedlyError,
  redis.SocketTimeoutError,
  redis.TimeoutError,
];

/** Redis replies that mean it cannot serve us now (loading, read-only replica, OOM, wrong password…). */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|CLUSTERDOWN|TRYAGAIN|NOAUTH|WRONGPASS)\b/;

export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (UNAVAILABLE.some((type) => err instanceof type)) return true;
  if (err instanceof redis.ErrorReply) return UNAVAILABLE_REPLY.test(err.message);
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE";
}
