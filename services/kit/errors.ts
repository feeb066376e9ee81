/**
 * Errors as the services speak them: every failure is an `AppError` with an
 * HTTP status and a stable machine-readable code, rendered as
 * `{"error": {"code": "...", "message": "..."}}`. Anything else that escapes a
 * handler is mapped here once: Hono's HTTPException keeps its status, an
 * unreachable store becomes 503, and the rest is a generic 500 whose details
 * stay in the log.
 *
 * Which errors mean "the store is unreachable" is taught by the store's own
 * client module when it loads (redis-client.ts registers redis-errors.ts), so a
 * service without a store never loads a store client at all.
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const storeUnavailable: ((err: unknown) => boolean)[] = [];

/** Registers a test for errors meaning "the data store cannot serve now" (→ 503 store_unavailable). */
export function treatAsStoreUnavailable(check: (err: unknown) => boolean): void {
  if (!storeUnavailable.includes(check)) storeUnavailable.push(check);
}

function isStoreUnavailable(err: unknown): boolean {
  return storeUnavailable.some((check) => check(err));
}

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    /** Optional structured detail, e.g. the failed validation issues. */
    readonly details?: unknown;
  };
}

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Response headers to send with the error (e.g. Allow, Retry-After). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = "AppError";
  }

  body(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** Codes for the statuses Hono itself raises (malformed JSON, body limit…). */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  408: "request_timeout",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "unprocessable_entity",
  429: "too_many_requests",
  500: "internal",
  502: "bad_gateway",
  503: "unavailable",
  504: "gateway_timeout",
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? "internal" : "bad_request");
}

/**
 * Maps anything thrown to the error the client sees. `unexpected` tells the
 * caller to log it as a bug (a 500 we did not mean to produce).
 */
export function toAppError(err: unknown): { error: AppError; unexpected: boolean } {
  if (err instanceof AppError) return { error: err, unexpected: false };
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return { error: new AppError(status, codeForStatus(status), err.message || codeForStatus(status)), unexpected: status >= 500 };
  }
  if (isStoreUnavailable(err)) {
    const reason = err instanceof Error ? err.message : String(err);
    return { error: new AppError(503, "store_unavailable", `the data store is unavailable: ${reason}`), unexpected: false };
  }
  return { error: new AppError(500, "internal", "internal error"), unexpected: true };
}
