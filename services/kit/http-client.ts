/**
 * The one outbound HTTP client: every call has one deadline over connect,
 * headers, body and all its attempts (http-transport.ts moves the bytes,
 * with undici: a keep-alive Pool per upstream, its retry interceptor):
 * min(its own timeout, the request's time left − margin), and the upstream
 * is told what is left (x-request-timeout-ms, deadline.ts). Idempotent GETs
 * get at most `retries` (0 or 1) more attempts after a refused/reset
 * connection or a 5xx, within the same deadline (run.ts gives retries only
 * toward a leaf). The request's trace headers ride along (with tracing on,
 * each attempt is a client span and the upstream gets its W3C context), and
 * failures become honest statuses:
 *
 *   timeout, or an upstream 504      → 504 upstream_timeout
 *   the request's budget already spent → 504 deadline_exceeded (no call made)
 *   connection refused/reset         → 503 upstream_unavailable
 *   other upstream 5xx, garbage body → 502 upstream_error / bad_upstream_response
 *   upstream 4xx                     → returned to the caller ({ ok: false }) to map meaningfully
 *
 * A timed-out call is not retried: its time budget is spent.
 */
import type { OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { Counter, Histogram, type Registry } from "prom-client";
import { z } from "zod";
import { DEADLINE_HEADER, remainingMs } from "./deadline";
import { DURATION_BUCKETS } from "./buckets";
import { AppError } from "./errors";
import { discard, isTimeout, readBody, UpstreamPool, type Attempt, type Exchange, type SendHeaders } from "./http-transport";
import { currentTraceHeaders } from "./trace";
import { activeTracing } from "./tracing-hooks";

export type UpstreamReply<T> =
  | { readonly ok: true; readonly status: number; readonly data: T }
  | { readonly ok: false; readonly status: number; readonly error: { readonly code: string; readonly message: string } };

export interface UpstreamOptions {
  /** The upstream's service name, for errors, logs and metrics. */
  readonly name: string;
  /** Base URL without a trailing slash, e.g. http://catalog:5001. */
  readonly baseUrl: string;
  /** The whole call's timeout, every attempt included (ms). */
  readonly timeoutMs: number;
  /** Extra attempts for idempotent GETs: 0 where a mesh retries or toward a non-leaf, else 1. */
  readonly retries: 0 | 1;
  /** Time kept back at each hop (ms): from the request's time left, and from what the upstream is told. Default 0. */
  readonly marginMs?: number;
  readonly metrics?: UpstreamMetrics;
}

export interface ForwardRequest {
  readonly method: string;
  /** Path and query, starting with "/". */
  readonly path: string;
  /** Header names (lowercase) and values to send; the current trace headers are added where absent. */
  readonly headers: OutgoingHttpHeaders;
  readonly body?: ReadableStream<Uint8Array> | null;
}

/** An upstream's answer as forward() passes it on. */
export interface ForwardedAnswer {
  readonly status: number;
  readonly statusText: string;
  /** Header names and values as received, in order: name, value, name, value… */
  readonly rawHeaders: readonly string[];
  /** None (HEAD, 204, 304), the whole body (small, of known length), or a stream of it. */
  readonly body: Uint8Array | ReadableStream<Uint8Array> | null;
}

/** Largest JSON answer the client reads from an upstream. */
const MAX_JSON_BYTES = 1024 * 1024;
/** forward() reads answers up to this size whole (known length); larger ones stream. */
const FORWARD_BUFFER_BYTES = 64 * 1024;

const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Per-attempt client metrics, shared by every upstream of one app. */
export class UpstreamMetrics {
  private readonly requests: Counter<"upstream" | "method" | "outcome">;
  private readonly duration: Histogram<"upstream" | "method" | "outcome">;

  constructor(registry: Registry) {
    const labelNames = ["upstream", "method", "outcome"] as const;
    this.requests = new Counter({
      name: "upstream_requests_total",
      help: "Calls to upstream services, by upstream, method and outcome (status code, timeout or unavailable).",
      labelNames,
      registers: [registry],
    });
    this.duration = new Histogram({
      name: "upstream_request_duration_seconds",
      help: "Duration of calls to upstream services until the response headers.",
      labelNames,
      buckets: [...DURATION_BUCKETS],
      registers: [registry],
    });
  }

  record(upstream: string, method: string, outcome: string, seconds: number): void {
    const labels = { upstream, method, outcome };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}

/**
 * An upstream 4xx the caller cannot turn into a meaningful answer of its own:
 * our request did not fit the upstream's contract, so the fault is on this
 * side of the call — a 502 naming both, never the upstream's 4xx passed on.
 */
export function rejected(upstream: string, reply: { readonly status: number; readonly error: { readonly code: string; readonly message: string } }, what: string): AppError {
  return new AppError(502, "upstream_rejected", `${upstream} refused ${what} (${reply.status} ${reply.error.code}: ${reply.error.message})`);
}

function isIdempotent(method: string): boolean {
  return method === "GET" || method === "HEAD";
}

/** An answer being read, and whether the call's deadline cut it. */
type Answer = Exchange & { readonly timedOut: () => boolean; readonly timeoutMs: number };

export class Upstream {
  readonly name: string;
  private readonly pool: UpstreamPool;

  constructor(private readonly options: UpstreamOptions) {
    this.name = options.name;
    this.pool = new UpstreamPool({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });
  }

  /** GET a JSON resource; the 2xx body must match `schema`. */
  getJson<S extends z.ZodType>(path: string, schema: S, headers?: Record<string, string>): Promise<UpstreamReply<z.infer<S>>> {
    return this.json("GET", path, schema, undefined, headers);
  }

  /** POST a JSON body; the 2xx body must match `schema`. Never retried. */
  postJson<S extends z.ZodType>(path: string, body: unknown, schema: S, headers?: Record<string, string>): Promise<UpstreamReply<z.infer<S>>> {
    return this.json("POST", path, schema, JSON.stringify(body), { "content-type": "application/json", ...headers });
  }

  /**
   * Sends a request as it is (the gateway's proxy) and returns the answer,
   * whatever its status; only transport failures throw. A small answer of
   * known length (most JSON) is read whole under the timeout, so it can be
   * passed on in one write; anything else streams, still under the same
   * timeout.
   */
  async forward(request: ForwardRequest): Promise<ForwardedAnswer> {
    const headers: SendHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = typeof value === "number" ? String(value) : value;
    for (const [name, value] of Object.entries(currentTraceHeaders())) if (!(name in headers)) headers[name] = value;
    // undici frames a body of unknown length in chunks, whatever the method; a web stream is an async iterable
    const body = (request.body ?? undefined) as AsyncIterable<Uint8Array> | undefined;
    const answer = await this.send(request.method, request.path, headers, body, true);
    const reply = { status: answer.status, statusText: answer.statusText, rawHeaders: answer.headers as string[] };
    if (request.method === "HEAD" || answer.status === 204 || answer.status === 304) {
      discard(answer.body);
      return { ...reply, body: null };
    }
    if (answer.contentLength !== undefined && answer.contentLength <= FORWARD_BUFFER_BYTES) {
      return { ...reply, body: await this.read(answer, request.method, request.path, FORWARD_BUFFER_BYTES) };
    }
    return { ...reply, body: Readable.toWeb(answer.body) as ReadableStream<Uint8Array> };
  }

  private async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<UpstreamReply<z.infer<S>>> {
    const answer = await this.send(method, path, { ...currentTraceHeaders(), accept: "application/json", ...headers }, body, false);
    const text = (await this.read(answer, method, path, MAX_JSON_BYTES)).toString("utf8");
    if (answer.status >= 500) {
      const parsed = ErrorBodySchema.safeParse(safeJson(text));
      const detail = parsed.success ? `: ${parsed.data.error.code}: ${parsed.data.error.message}` : "";
      const message = `${this.name} answered ${answer.status} to ${method} ${path}${detail}`;
      // a 504 is a timeout below this hop (the upstream's own call, or a proxy's route timeout)
      if (answer.status === 504) throw new AppError(504, "upstream_timeout", message);
      throw new AppError(502, "upstream_error", message);
    }
    if (answer.status >= 400) {
      const parsed = ErrorBodySchema.safeParse(safeJson(text));
      const error = parsed.success ? parsed.data.error : { code: `upstream_${answer.status}`, message: text.slice(0, 200) || answer.statusText };
      return { ok: false, status: answer.status, error };
    }
    if (answer.status < 200 || answer.status >= 300) throw this.badResponse(method, path, `unexpected status ${answer.status}`);
    const value = safeJson(text);
    if (value === undefined) throw this.badResponse(method, path, "its answer is not JSON");
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw this.badResponse(method, path, `its answer does not match the contract (${parsed.error.issues[0]?.message ?? "invalid"})`);
    return { ok: true, status: answer.status, data: parsed.data };
  }

  /** The whole body, or a 504 (deadline passed) / 502 (cut short, too large). */
  private async read(answer: Answer, method: string, path: string, maxBytes: number): Promise<Buffer> {
    try {
      return await readBody(answer.body, answer.contentLength, maxBytes);
    } catch (err) {
      if (answer.timedOut() || isTimeout(err)) throw this.timeoutError(method, path, answer.timeoutMs);
      throw this.badResponse(method, path, `its answer could not be read (${(err as Error).message})`);
    }
  }

  /** One call with its attempts under one deadline; resolves to an answer (any status) or throws a mapped AppError. */
  private async send(method: string, path: string, headers: SendHeaders, body: string | AsyncIterable<Uint8Array> | undefined, rawHeaders: boolean): Promise<Answer> {
    const { baseUrl, timeoutMs, retries, metrics } = this.options;
    const name = this.name;
    const margin = this.options.marginMs ?? 0;
    const left = remainingMs();
    const budget = Math.floor(left === undefined ? timeoutMs : Math.min(timeoutMs, left - margin));
    if (budget - margin < 1) {
      throw new AppError(504, "deadline_exceeded", `no time left to call ${name} (${method} ${path}): the request's budget is spent`);
    }
    const deadline = performance.now() + budget;
    const url = `${baseUrl}${path}`;
    const tracing = activeTracing();
    let count = 0;
    let timedOut = false;
    // each attempt: the upstream is told what is left (it answers, or gives up, before this side does),
    // counted by outcome, and with tracing on a client span carrying its W3C context
    const attempt = (attemptMs: number): Attempt => {
      const started = performance.now();
      const sent = { ...headers, [DEADLINE_HEADER]: String(Math.max(1, attemptMs - margin)) };
      const number = ++count;
      const span = tracing?.call(name, method, url, number);
      span?.inject(sent);
      let status = 0;
      return {
        headers: sent,
        answered(answeredStatus) {
          status = answeredStatus;
          metrics?.record(name, method, String(status), (performance.now() - started) / 1000);
        },
        ended(err) {
          const timeout = err !== null && isTimeout(err);
          if (timeout) timedOut = true;
          if (err !== null && status === 0) metrics?.record(name, method, timeout ? "timeout" : "unavailable", (performance.now() - started) / 1000);
          // the span lasts until the answer's last byte (or the deadline, or the failure)
          span?.end(timeout ? "timeout" : status || describeNetworkError(err));
        },
      };
    };
    const call = {
      deadline,
      attempts: isIdempotent(method) && body === undefined ? 1 + retries : 1,
      attempt,
      // after a 5xx or a connection error, never after a timeout (its budget is spent) nor another status
      mayRetry: (err: Error) => retryable(err) && count < call.attempts && deadline - performance.now() - margin >= 1,
    };
    try {
      const answer = await this.pool.exchange({ method, path, body, call, rawHeaders });
      return { ...answer, timedOut: () => timedOut, timeoutMs: budget };
    } catch (err) {
      if (isTimeout(err)) throw this.timeoutError(method, path, budget);
      throw new AppError(503, "upstream_unavailable", `${name} is unreachable (${describeNetworkError(err)})`);
    }
  }

  private timeoutError(method: string, path: string, timeoutMs: number): AppError {
    return new AppError(504, "upstream_timeout", `${this.name} did not answer ${method} ${path} within ${timeoutMs} ms`);
  }

  private badResponse(method: string, path: string, why: string): AppError {
    return new AppError(502, "bad_upstream_response", `${this.name} gave a bad answer to ${method} ${path}: ${why}`);
  }
}

/** What a GET is retried after: a 5xx (the retry interceptor's error carries it), or a connection error. */
function retryable(err: Error): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === undefined ? !isTimeout(err) : status >= 500;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The socket error's code, where undici wraps it (`cause`, sometimes an AggregateError). */
function describeNetworkError(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  if (cause instanceof AggregateError && cause.errors.length) cause = cause.errors[0];
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  // a socket's own code (ECONNREFUSED, ECONNRESET…); undici's codes say less than its message ("other side closed")
  return code && !code.startsWith("UND_ERR_") ? code : message;
}
