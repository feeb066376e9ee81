/**
 * Request deadlines, propagated as a relative budget: every outbound call
 * carries `x-request-timeout-ms: <ms>` (what is left of the call's time, less
 * a margin), and every service reads it on the way in. Relative, not an
 * absolute clock time: pods' clocks differ, a duration survives the hop.
 *
 * On the way in the header is bounded and validated: anything but a whole
 * number of milliseconds is ignored, and no caller can grant more than the
 * service's own cap (REQUEST_TIMEOUT_MS). A request whose budget is spent is
 * a JSON 504 at once; otherwise its deadline lives in an AsyncLocalStorage,
 * and the HTTP client (http-client.ts) makes each call's timeout
 * min(its own timeout, the time left − margin).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { MiddlewareHandler } from "hono";
import type { ServiceEnv } from "./context";
import { AppError } from "./errors";

export const DEADLINE_HEADER = "x-request-timeout-ms";

/** At most 9 digits (under 12 days): larger values are not budgets. */
const BUDGET = /^\s*(\d{1,9})\s*$/;

/** The header's budget in ms, or undefined when it is missing or not a whole number. */
export function parseBudgetMs(raw: string | undefined): number | undefined {
  const match = raw === undefined ? null : BUDGET.exec(raw);
  return match ? Number(match[1]) : undefined;
}

/** The deadline of the request being served, as a performance.now() time. */
const storage = new AsyncLocalStorage<number>();

/** Runs `fn` with the deadline `at` (a performance.now() time). */
export function withDeadline<T>(at: number, fn: () => T): T {
  return storage.run(at, fn);
}

/** Runs `fn` outside any request's deadline (work the request does not wait for). */
export function withoutDeadline<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** Milliseconds left to the current request's deadline; undefined outside one. */
export function remainingMs(): number | undefined {
  const at = storage.getStore();
  return at === undefined ? undefined : at - performance.now();
}

/**
 * The middleware: the request's budget is the caller's (capped at
 * `capMs`) or `capMs`; spent → 504. `track` false (a service that calls
 * nobody) skips the AsyncLocalStorage: nothing downstream would read it.
 */
export function deadlines(capMs: number, track = true): MiddlewareHandler<ServiceEnv> {
  return async (c, next) => {
    const asked = parseBudgetMs(c.req.header(DEADLINE_HEADER));
    const budget = asked === undefined ? capMs : Math.min(asked, capMs);
    if (budget <= 0) throw new AppError(504, "deadline_exceeded", `the caller's time budget for ${c.req.method} ${c.req.path} is spent`);
    if (track) await withDeadline(performance.now() + budget, next);
    else await next();
  };
}
