/**
 * What the public sees of an error under /api: `{"error": {"code",
 * "message", "request_id"}}`. A 5xx carries its code and a fixed plain
 * message for that code, never the upstream's own words (which name
 * services, Redis errors, other shoppers' order numbers); that detail goes
 * to the gateway's log under the same request id. A 4xx answers the
 * client's own request, so its code, message and details pass on, with the
 * request id added. Every /api answer is `Cache-Control: no-store`: carts,
 * orders and errors are per shopper and per moment.
 */
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ServiceEnv } from "../kit/context";
import { codeForStatus } from "../kit/errors";

/** The public message of each 5xx code; other codes get their status's. */
export const PUBLIC_MESSAGES: Readonly<Record<string, string>> = {
  upstream_unavailable: "A part of the shop is unavailable right now, please try again shortly.",
  store_unavailable: "The shop's data store is unavailable right now, please try again shortly.",
  not_ready: "The shop is not ready right now, please try again shortly.",
  unavailable: "The shop is unavailable right now, please try again shortly.",
  upstream_timeout: "A part of the shop took too long to answer, please try again.",
  deadline_exceeded: "The shop took too long to answer, please try again.",
  gateway_timeout: "The shop took too long to answer, please try again.",
  upstream_error: "A part of the shop ran into a problem, please try again.",
  upstream_rejected: "A part of the shop ran into a problem, please try again.",
  bad_upstream_response: "A part of the shop ran into a problem, please try again.",
  bad_gateway: "A part of the shop ran into a problem, please try again.",
  internal: "Something went wrong on our side, please try again.",
};

const BY_STATUS: Readonly<Record<number, string>> = {
  502: "bad_gateway",
  503: "unavailable",
  504: "gateway_timeout",
};

/** A code is passed on only when it looks like one of ours. */
const CODE = /^[a-z][a-z0-9_]{0,63}$/;
/** Error bodies larger than this are not read (ours are a few hundred bytes). */
const MAX_ERROR_BODY = 64 * 1024;
/** How much of an upstream's own message the log keeps. */
const MAX_LOGGED_DETAIL = 1_000;

export interface PublicError {
  readonly code: string;
  readonly message: string;
  readonly request_id: string;
  readonly details?: unknown;
}

/** The public message for a 5xx `code` at `status`. */
export function publicMessage(code: string, status: number): string {
  return PUBLIC_MESSAGES[code] ?? PUBLIC_MESSAGES[BY_STATUS[status] ?? "internal"]!;
}

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

async function readError(response: Response): Promise<ErrorShape | undefined> {
  const length = Number(response.headers.get("content-length") ?? "0");
  if (!response.body || length > MAX_ERROR_BODY || !/json/.test(response.headers.get("content-type") ?? "")) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  try {
    const text = await response.text();
    if (text.length > MAX_ERROR_BODY) return undefined;
    const error = (JSON.parse(text) as { error?: ErrorShape } | null)?.error;
    return typeof error === "object" && error !== null ? error : undefined;
  } catch {
    return undefined;
  }
}

/** The public body of an error answer at `status`, from what the app or upstream answered. */
export function publicError(status: number, original: ErrorShape | undefined, requestId: string): PublicError {
  const code = typeof original?.code === "string" && CODE.test(original.code) ? original.code : codeForStatus(status);
  if (status >= 500) return { code, message: publicMessage(code, status), request_id: requestId };
  const message = typeof original?.message === "string" ? original.message : `the request was refused (${status})`;
  return { code, message, request_id: requestId, ...(original?.details === undefined ? {} : { details: original.details }) };
}

/** Headers an answer keeps when its body is replaced. */
function keptHeaders(from: Headers): Headers {
  const headers = new Headers(from);
  for (const name of ["content-length", "content-encoding", "etag", "last-modified", "transfer-encoding"]) headers.delete(name);
  headers.set("content-type", "application/json");
  headers.set("cache-control", "no-store");
  return headers;
}

export function publicErrors(): MiddlewareHandler<ServiceEnv> {
  return async (c, next) => {
    await next();
    const status = c.res.status;
    if (status < 400) return; // only the proxy answers successfully under /api, and it sets no-store (proxy.ts)
    const answered = c.res;
    const original = await readError(answered);
    const body = publicError(status, original, c.get("requestId"));
    if (status >= 500 && typeof original?.message === "string") {
      c.get("logger").warn("error answered generically", { status, code: body.code, detail: original.message.slice(0, MAX_LOGGED_DETAIL) });
    }
    const headers = keptHeaders(answered.headers);
    c.res = undefined; // so Hono does not merge the old answer's headers (its length) into the new one
    c.res = new Response(JSON.stringify({ error: body }), { status: status as ContentfulStatusCode, headers });
  };
}
