/**
 * Where the kit's request path meets tracing. When tracing is on, tracing.ts
 * (the OpenTelemetry SDK, loaded only then) installs a `Tracing` here; when
 * it is off nothing is installed, and the request path pays one property
 * read: no span, no OpenTelemetry context, the trace headers propagated by
 * hand (trace.ts). This file imports no OpenTelemetry code.
 *
 * The stream helpers (producing and consuming an event on a Redis stream)
 * work either way: the trace context rides in the entry's `traceparent`
 * field.
 */
import type { OutgoingHttpHeaders } from "node:http";
import { currentTraceHeaders, validTraceHeader, type TraceHeaders } from "./trace";

/** The server span of one request. */
export interface RequestSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Whether it is sampled (recorded and exported). */
  readonly recording: boolean;
  /** Runs `fn` with this span as the active one (outbound calls and Redis commands become its children). */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends it, named by the route template, with the answer's status. */
  end(route: string | undefined, status: number): void;
}

/** One attempt of an outbound HTTP call. */
export interface CallSpan {
  /** Sets the W3C trace context (traceparent, tracestate) of this call on `headers`. */
  inject(headers: OutgoingHttpHeaders): void;
  /** Ends it with the answer's status, or the reason there was none ("timeout", "ECONNREFUSED"…). */
  end(outcome: number | string): void;
}

export interface Tracing {
  /** A server span for a request, continuing the caller's (validated) W3C trace context. */
  request(method: string, path: string, scheme: string, incoming: TraceHeaders): RequestSpan;
  /** A client span for one attempt of a call to `upstream`. */
  call(upstream: string, method: string, url: string, attempt: number): CallSpan;
  /** Marks the active span failed by `err` (an exception behind a 5xx). */
  fail(err: unknown): void;
  /** Runs `fn` in a producer span for `destination`; `fn` gets the traceparent to write into the entry. */
  produce<T>(destination: string, fn: (traceparent: string | undefined) => Promise<T>): Promise<T>;
  /** Runs `fn` in a consumer span, the child of the entry's `traceparent` (when valid). */
  consume<T>(message: StreamMessage, fn: () => Promise<T>): Promise<T>;
  /** Exports what is buffered and stops; false when `timeoutMs` passed first. */
  shutdown(timeoutMs: number): Promise<boolean>;
}

/** One entry read from a stream, as the consumer span describes it. */
export interface StreamMessage {
  readonly destination: string;
  readonly group: string;
  readonly id: string;
  readonly traceparent: string | undefined;
}

/** The stream entry field carrying the producer's W3C trace context. */
export const TRACEPARENT_FIELD = "traceparent";

const installed: { current: Tracing | undefined } = { current: undefined };

/** The tracing in force, or undefined when tracing is off. */
export function activeTracing(): Tracing | undefined {
  return installed.current;
}

/** Installs (or, with undefined, removes) the process's tracing; tracing.ts does, once, at start. */
export function installTracing(tracing: Tracing | undefined): void {
  installed.current = tracing;
}

/**
 * Runs `fn` as the production of an event on `destination`: in a producer
 * span when tracing is on; otherwise `fn` gets the request's own
 * traceparent, so a consumer that traces still joins the trace of the request
 * (the mesh's, say) when the producer does not.
 */
export function produceTraced<T>(destination: string, fn: (traceparent: string | undefined) => Promise<T>): Promise<T> {
  const tracing = installed.current;
  return tracing ? tracing.produce(destination, fn) : fn(currentTraceHeaders().traceparent);
}

/** Runs `fn` as the processing of a stream entry: in a consumer span joined to the producer's trace when tracing is on. */
export function consumeTraced<T>(message: StreamMessage, fn: () => Promise<T>): Promise<T> {
  const tracing = installed.current;
  if (!tracing) return fn();
  const traceparent = message.traceparent !== undefined && validTraceHeader("traceparent", message.traceparent) ? message.traceparent : undefined;
  return tracing.consume({ ...message, traceparent }, fn);
}
