/**
 * Trace-context propagation. The mesh's sidecars (Envoy, linkerd2-proxy)
 * make the spans; the application only has to copy the incoming trace
 * headers onto every outbound call so the spans join into one trace. The
 * headers of the current request live in an AsyncLocalStorage, so any code
 * running on behalf of a request (even a background notification it
 * started) propagates them without threading them by hand.
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

/** Linkerd's context headers (deadline, trace) are a family. */
const PROPAGATED_PREFIX = "l5d-ctx-";

const PROPAGATED = new Set<string>(PROPAGATED_HEADERS);

export type TraceHeaders = Readonly<Record<string, string>>;

function propagated(name: string): boolean {
  return PROPAGATED.has(name) || name.startsWith(PROPAGATED_PREFIX);
}

/** The propagation headers of `headers` (names lowercased). */
export function traceHeadersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (propagated(name.toLowerCase())) out[name.toLowerCase()] = value;
  });
  return out;
}

/**
 * The propagation headers of the request `c` serves. Served by
 * @hono/node-server, they are read from the node request's raw header list
 * (repeated headers joined with ", ", as Headers does): walking a WHATWG
 * Headers builds and sorts a copy of every header of every request first.
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
