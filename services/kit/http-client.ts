/**
 * The one outbound HTTP client: every call has one deadline over connect,
 * headers, body and all its attempts (http-transport.ts moves the bytes):
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
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { Counter, Histogram, type Registry } from "prom-client";
import { z } from "zod";
import { DEADLINE_HEADER, remainingMs } from "./deadline";
import { DURATION_BUCKETS } from "./buckets";
import { AppError } from "./errors";
import { exchange, readBody, TransportTimeout, type Exchange } from "./http-transport";
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

export class Upstream {
  readonly name: string;

  constructor(private readonly options: UpstreamOptions) {
    this.name = options.name;
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
    const headers: OutgoingHttpHeaders = { ...request.headers };
    for (const [name, value] of Object.entries(currentTraceHeaders())) if (!(name in headers)) headers[name] = value;
    const body = request.body ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>) : undefined;
    // node:http frames a body of unknown length in chunks only for some methods (not DELETE): say so for all
    if (body && headers["content-length"] === undefined) headers["transfer-encoding"] = "chunked";
    const answer = await this.send(request.method, request.path, headers, body);
    const reply = { status: answer.status, statusText: answer.statusText, rawHeaders: answer.rawHeaders };
    if (request.method === "HEAD" || answer.status === 204 || answer.status === 304) {
      answer.body.resume();
      return { ...reply, body: null };
    }
    const length = Number(answer.headers["content-length"] ?? Number.NaN);
    if (length <= FORWARD_BUFFER_BYTES) return { ...reply, body: await this.read(answer, request.method, request.path, FORWARD_BUFFER_BYTES) };
    return { ...reply, body: Readable.toWeb(answer.body) as ReadableStream<Uint8Array> };
  }

  private async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<UpstreamReply<z.infer<S>>> {
    const answer = await this.send(method, path, { ...currentTraceHeaders(), accept: "application/json", ...headers }, body);
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
  private async read(answer: Exchange & { readonly timeoutMs: number }, method: string, path: string, maxBytes: number): Promise<Buffer> {
    try {
      return await readBody(answer.body, maxBytes);
    } catch (err) {
      if (answer.timedOut()) throw this.timeoutError(method, path, answer.timeoutMs);
      throw this.badResponse(method, path, `its answer could not be read (${(err as Error).message})`);
    }
  }

  /** One call with its attempts under one deadline; resolves to an answer (any status) or throws a mapped AppError. */
  private async send(method: string, path: string, headers: OutgoingHttpHeaders, body: string | Readable | undefined): Promise<Exchange & { readonly timeoutMs: number }> {
    const { baseUrl, timeoutMs, retries, metrics } = this.options;
    const margin = this.options.marginMs ?? 0;
    const left = remainingMs();
    const budget = Math.floor(left === undefined ? timeoutMs : Math.min(timeoutMs, left - margin));
    if (budget - margin < 1) {
      throw new AppError(504, "deadline_exceeded", `no time left to call ${this.name} (${method} ${path}): the request's budget is spent`);
    }
    const deadline = performance.now() + budget;
    const attempts = isIdempotent(method) && body === undefined ? 1 + retries : 1;
    const url = `${baseUrl}${path}`;
    const tracing = activeTracing();
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      const attemptMs = Math.floor(deadline - started);
      // the upstream answers (or gives up) before this side does
      const sent = { ...headers, [DEADLINE_HEADER]: String(Math.max(1, attemptMs - margin)) };
      const span = tracing?.call(this.name, method, url, attempt);
      span?.inject(sent);
      let answer: Exchange;
      try {
        answer = await exchange({ method, url, headers: sent, body, timeoutMs: attemptMs });
      } catch (err) {
        if (err instanceof TransportTimeout) {
          span?.end("timeout");
          metrics?.record(this.name, method, "timeout", elapsed());
          throw this.timeoutError(method, path, budget);
        }
        span?.end(describeNetworkError(err));
        metrics?.record(this.name, method, "unavailable", elapsed());
        if (attempt < attempts && deadline - performance.now() - margin >= 1) continue;
        throw new AppError(503, "upstream_unavailable", `${this.name} is unreachable (${describeNetworkError(err)})`);
      }
      metrics?.record(this.name, method, String(answer.status), elapsed());
      // the span lasts until the answer is read (or abandoned, or cut by the deadline)
      if (span) answer.body.once("close", () => span.end(answer.timedOut() ? "timeout" : answer.status));
      if (answer.status >= 500 && attempt < attempts && deadline - performance.now() - margin >= 1) {
        answer.body.resume(); // drained, so the connection can be reused
        continue;
      }
      return { ...answer, timedOut: answer.timedOut, timeoutMs: budget };
    }
  }

  private timeoutError(method: string, path: string, timeoutMs: number): AppError {
    return new AppError(504, "upstream_timeout", `${this.name} did not answer ${method} ${path} within ${timeoutMs} ms`);
  }

  private badResponse(method: string, path: string, why: string): AppError {
    return new AppError(502, "bad_upstream_response", `${this.name} gave a bad answer to ${method} ${path}: ${why}`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** fetch() hides the socket error in `cause` (sometimes an AggregateError). */
function describeNetworkError(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  if (cause instanceof AggregateError && cause.errors.length) cause = cause.errors[0];
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return code ? `${code}` : message;
}
