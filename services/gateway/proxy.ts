/**
 * A streaming reverse proxy to one upstream. Of the client's headers only an
 * allowlist goes on (FORWARDED_REQUEST_HEADERS, plus the trace context the
 * kit validated and the request id): no credentials, cookies, idempotency
 * keys, deadlines or X-Forwarded-* of the client's choosing. The gateway
 * sets X-Forwarded-For (its peer), -Proto and -Host itself. Upstream answers
 * keep their end-to-end headers, hop-by-hop headers are dropped both ways,
 * bodies stream without buffering (small answers of known length are passed
 * on whole), every call is bounded by the upstream timeout (idempotent GETs
 * get the client's one retry), and transport failures become JSON 503/504
 * from the HTTP client. What the public sees of an error is shaped by
 * public-errors.ts.
 *
 * Headers are handled as plain name/value lists, never as WHATWG Headers:
 * building, filtering and sorting Headers twice per request was the largest
 * cost of the gateway in the profiles (bench/RESULTS.md).
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { OutgoingHttpHeaders } from "node:http";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import type { Upstream } from "../kit/http-client";
import { currentTraceHeaders, EDGE_TRACE_HEADERS, pickTraceHeaders, withTraceHeaders } from "../kit/trace";

/**
 * The client headers passed on, besides the validated trace context
 * (kit/trace.ts, added by the HTTP client) and the request id. The public
 * API takes JSON bodies and answers JSON; nothing else of the client's is
 * any upstream's business (cart's checkout mints its own idempotency key).
 */
export const FORWARDED_REQUEST_HEADERS: ReadonlySet<string> = new Set(["content-type", "accept"]);

/** The allowlisted headers of a raw list, names lowercase, repeated ones kept. */
export function allowlisted(raw: readonly string[]): [name: string, value: string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (FORWARDED_REQUEST_HEADERS.has(name)) out.push([name, raw[i + 1]!]);
  }
  return out;
}

/** RFC 9110 §7.6.1 connection-specific headers, plus what the proxy itself recomputes. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  // the body is passed on as it comes; neither side may be told an encoding another hop decided
  "accept-encoding",
  "content-encoding",
]);

/**
 * The end-to-end headers of a raw list (name, value, name, value…): without
 * hop-by-hop ones, including those the Connection header names. Names come
 * out lowercase; repeated ones keep every value.
 */
export function endToEnd(raw: readonly string[]): [name: string, value: string][] {
  const named = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== "connection") continue;
    for (const token of raw[i + 1]!.split(",")) if (token.trim()) named.add(token.trim().toLowerCase());
  }
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.push([name, raw[i + 1]!]);
  }
  return out;
}

/** The request's headers as a raw list: the node request's when served by node, else from the WHATWG Headers. */
function rawRequestHeaders(c: Context<ServiceEnv>): readonly string[] {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming) return incoming.rawHeaders;
  const raw: string[] = [];
  c.req.raw.headers.forEach((value, name) => raw.push(name, value));
  return raw;
}

/** A header object for node:http, repeated names joined as lists. */
function toOutgoing(pairs: readonly [string, string][]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of pairs) {
    const seen = out[name];
    out[name] = seen === undefined ? value : ([] as string[]).concat(seen as string | string[], value);
  }
  return out;
}

/** Every /api answer is per shopper and per moment: never stored by a cache on the way. */
const NO_STORE = "no-store";

/** Response headers, with the request id and no-store: a plain object (the fast path of @hono/node-server) unless a name repeats. */
function responseHeaders(pairs: readonly [string, string][], requestId: string): Record<string, string> | Headers {
  const plain: Record<string, string> = {};
  for (const [name, value] of pairs) {
    if (name in plain) {
      const headers = new Headers([...pairs]);
      headers.set("x-request-id", requestId);
      headers.set("cache-control", NO_STORE);
      return headers;
    }
    plain[name] = value;
  }
  plain["x-request-id"] = requestId;
  plain["cache-control"] = NO_STORE;
  return plain;
}

/**
 * The request's path after `prefix` and its query, still percent-encoded as
 * the client sent it (Hono's c.req.path is decoded: passing that on would
 * let %00 or %2F mean something else upstream). Undefined when the raw path
 * does not start with the prefix (the prefix itself was percent-encoded).
 */
export function rawRest(url: string, prefix: string): string | undefined {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const target = start < 0 ? "/" : url.slice(start);
  if (!target.startsWith(prefix)) return undefined;
  const rest = target.slice(prefix.length);
  return rest === "" || rest.startsWith("/") || rest.startsWith("?") ? rest : undefined;
}

function clientAddress(c: Context<ServiceEnv>): string | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress;
}

/** Proxies to `upstream` the path after `from`, as the client encoded it. */
export function proxyTo(upstream: Upstream, from: string) {
  return async (c: Context<ServiceEnv>): Promise<Response> => {
    const url = c.req.url;
    const path = rawRest(url, from);
    if (!path) throw new AppError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`);
    const requestId = c.get("requestId");
    const headers = toOutgoing(allowlisted(rawRequestHeaders(c)));
    headers["x-request-id"] = requestId;
    const address = clientAddress(c);
    if (address) headers["x-forwarded-for"] = address;
    headers["x-forwarded-proto"] = url.startsWith("https:") ? "https" : "http";
    headers["x-forwarded-host"] = c.req.header("host") ?? new URL(url).host;
    const method = c.req.method;
    const body = method === "GET" || method === "HEAD" ? undefined : c.req.raw.body;
    // the body passes through unchanged, so its declared length stays true (and keeps the framing of a DELETE)
    const length = c.req.header("content-length");
    if (body && length !== undefined) headers["content-length"] = length;
    // the trace context the kit validated, of the kinds a client outside the mesh may send
    const trace = pickTraceHeaders(currentTraceHeaders(), EDGE_TRACE_HEADERS);
    const answer = await withTraceHeaders(trace, () => upstream.forward({ method, path, headers, body }));
    return new Response(answer.body as BodyInit | null, { status: answer.status, statusText: answer.statusText, headers: responseHeaders(endToEnd(answer.rawHeaders), requestId) });
  };
}
