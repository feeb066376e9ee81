/**
 * Trace-context propagation. The mesh's sidecars (Envoy, linkerd2-proxy)
 * make the spans; the application only has to copy the incoming trace
 * headers onto every outbound call so the spans join into one trace. The
 * headers of the current request live in an AsyncLocalStorage, so any code
 * running on behalf of a request (even a background notification it
 * started) propagates them without threading them by hand.
 *
 * Every propagated header is accepted only in its format and length
 * (validTraceHeader), so a caller cannot make each service on the path
 * carry, forward and log kilobytes of its choosing: a bad one is dropped,
 * never passed on. traceparent is the W3C Trace Context's 55 characters;
 * tracestate at most 512 characters and 32 members; B3 ids lowercase hex of
 * their lengths; anything else at most 256 visible ASCII characters.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";

/** W3C, B3 (single and multi), Envoy/Istio, OpenTracing and cloud variants. */
export const PROPAGATED_HEADERS = [
  "traceparent",
  "tracestate",
  "baggage",
  "b3",
  "x-b3-traceid",
  "x-b3-spanid",
  "x-b3-parentspanid",
  "x-b3-sampled",
  "x-b3-flags",
  "x-request-id",
  "x-ot-span-context",
  "x-cloud-trace-context",
  "grpc-trace-bin",
  "x-amzn-trace-id",
] as const;

/** What a client outside the mesh may start a trace with: W3C and B3, and the request id (the gateway passes on no others). */
export const EDGE_TRACE_HEADERS: ReadonlySet<string> = new Set(["traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "x-request-id"]);

/** The headers of `headers` named in `names`. */
export function pickTraceHeaders(headers: TraceHeaders, names: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) if (names.has(name)) out[name] = headers[name]!;
  return out;
}

/** Linkerd's context headers (deadline, trace) are a family. */
const PROPAGATED_PREFIX = "l5d-ctx-";

const PROPAGATED = new Set<string>(PROPAGATED_HEADERS);

export type TraceHeaders = Readonly<Record<string, string>>;

function propagated(name: string): boolean {
  return PROPAGATED.has(name) || name.startsWith(PROPAGATED_PREFIX);
}

/** W3C Trace Context level 1: version-traceid-parentid-flags, lowercase hex; version ff is invalid. */
const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
/** One tracestate list member: key (simple or tenant@system) = value (printable ASCII but "," and "=", no trailing space). */
const TRACESTATE_MEMBER = /^([a-z0-9][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const TRACESTATE_MAX_LENGTH = 512;
const TRACESTATE_MAX_MEMBERS = 32;
/** B3 single header: {traceid}-{spanid}[-{sampling}[-{parentspanid}]], or the sampling decision alone. */
const B3 = /^(([0-9a-f]{32}|[0-9a-f]{16})-[0-9a-f]{16}(-[01d](-[0-9a-f]{16})?)?|[01d])$/;
const B3_TRACE_ID = /^([0-9a-f]{32}|[0-9a-f]{16})$/;
const B3_SPAN_ID = /^[0-9a-f]{16}$/;
/** Any other propagated header: visible ASCII and spaces, bounded. */
const BOUNDED = /^[\x20-\x7e]{1,256}$/;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

function validTracestate(value: string): boolean {
  if (value.length > TRACESTATE_MAX_LENGTH) return false;
  const members = value.split(",").map((member) => member.trim()).filter(Boolean);
  return members.length <= TRACESTATE_MAX_MEMBERS && members.every((member) => TRACESTATE_MEMBER.test(member));
}

/** Whether `value` is a well-formed, bounded value of propagated header `name` (lowercase). */
export function validTraceHeader(name: string, value: string): boolean {
  switch (name) {
    case "traceparent":
      return value.length === 55 && TRACEPARENT.test(value);
    case "tracestate":
      return validTracestate(value);
    case "b3":
      return value.length <= 68 && B3.test(value);
    case "x-b3-traceid":
      return B3_TRACE_ID.test(value);
    case "x-b3-spanid":
    case "x-b3-parentspanid":
      return B3_SPAN_ID.test(value);
    case "x-b3-sampled":
      return value === "0" || value === "1" || value === "true" || value === "false";
    case "x-b3-flags":
      return value === "1";
    case "x-request-id":
      return REQUEST_ID.test(value);
    default:
      return BOUNDED.test(value);
  }
}

/** The propagation headers of `headers` (names lowercased). */
export function traceHeadersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (propagated(lower) && validTraceHeader(lower, value)) out[lower] = value;
  });
  return out;
}

/**
 * The propagation headers of the request `c` serves. Served by
 * @hono/node-server, they are read from the node request's raw header list
 * (repeated headers joined with ", ", as Headers does): walking a WHATWG
 * Headers builds and sorts a copy of every header of every request first.
 * Headers not in their format are left out (a repeated traceparent, joined,
 * is one of them).
 */
export function traceHeadersOfRequest(c: Context): Record<string, string> {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming) return traceHeadersOf(c.req.raw.headers);
  const out: Record<string, string> = {};
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!propagated(name)) continue;
    const seen = out[name];
    out[name] = seen === undefined ? raw[i + 1]! : `${seen}, ${raw[i + 1]!}`;
  }
  for (const name in out) if (!validTraceHeader(name, out[name]!)) delete out[name];
  return out;
}

const storage = new AsyncLocalStorage<TraceHeaders>();

/** Runs `fn` with `headers` as the current trace context. */
export function withTraceHeaders<T>(headers: TraceHeaders, fn: () => T): T {
  return storage.run(headers, fn);
}

/** The trace headers of the request being served (empty outside one). */
export function currentTraceHeaders(): TraceHeaders {
  return storage.getStore() ?? {};
}
