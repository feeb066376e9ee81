/**
 * The request id: the caller's `x-request-id` when it is safe to log and
 * echo (1 to 128 of letters, digits, `.`, `_`, `-`: a UUID, Envoy's ids and
 * ours fit), a fresh UUID otherwise. It is echoed on the response.
 */
import { randomUUID } from "node:crypto";
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(header: string | undefined): string {
  return header !== undefined && SAFE_ID.test(header) ? header : randomUUID();
}

/**
 * Puts the id on the response. Served by @hono/node-server, it goes straight
 * onto the node response (merged into whatever the handler answers), so an
 * ordinary answer keeps its plain header object instead of a WHATWG Headers
 * built for one header; elsewhere (app.request in tests) through Hono.
 */
export function echoRequestId(c: Context, id: string): void {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (outgoing) outgoing.setHeader("x-request-id", id);
  else c.header("x-request-id", id);
}
