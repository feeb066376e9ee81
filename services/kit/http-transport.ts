/**
 * How bytes reach an upstream: undici. One keep-alive Pool per upstream,
 * undici's retry interceptor for the idempotent GETs the client lets retry,
 * and below it one small interceptor of ours that sees every attempt: it
 * gives the attempt its headers (the deadline left, the trace context), its
 * undici headersTimeout/bodyTimeout, and the call's overall deadline (one
 * timer that aborts the attempt, body included), and tells the client when
 * the attempt answered or ended (metrics, client spans). The client
 * (http-client.ts) decides what an outcome means; this file only moves bytes.
 *
 *   call ─► retry interceptor (GET/HEAD, retries > 0) ─► attempt interceptor ─► Pool ─► socket
 *
 * The hand-written node:http transport it replaced, and what each cost in
 * CPU per request: bench/RESULTS.md, "undici for the HTTP client".
 */
import type * as Undici from "undici";
import type { Dispatcher } from "undici";

let undici: typeof Undici | undefined;
/**
 * undici, loaded with the first pool: a service that calls nobody (users,
 * catalog, notifications) never loads it, and keeps its ~3 MiB.
 */
function loadUndici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at startup
  return (undici ??= require("undici") as typeof Undici);
}

/** The whole call's deadline passed (connect, headers or body). */
export class TransportTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = "TransportTimeout";
  }
}

/** undici's own timeouts: no headers within headersTimeout, a body stalled for bodyTimeout. */
const UNDICI_TIMEOUTS: ReadonlySet<string> = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

/** Whether `err` means the time ran out (never retried: the budget is spent). */
export function isTimeout(err: unknown): boolean {
  return err instanceof TransportTimeout || UNDICI_TIMEOUTS.has((err as { code?: string } | null)?.code ?? "");
}

export type SendHeaders = Record<string, string | string[]>;

/** One attempt of a call, as the client watches it. */
export interface Attempt {
  /** Its headers, as sent. */
  readonly headers: SendHeaders;
  /** The response headers arrived with `status`. */
  answered(status: number): void;
  /** It ended: its answer's last byte arrived (err null), or it failed with `err`. */
  ended(err: Error | null): void;
}

/** One call with all its attempts, under one deadline. */
export interface Call {
  /** Its deadline, a performance.now() time. */
  readonly deadline: number;
  /** Attempts at most (1 + retries). */
  readonly attempts: number;
  /** Starts its next attempt, with `timeoutMs` left. */
  attempt(timeoutMs: number): Attempt;
  /** Whether another attempt may start now after `err` (time left, none timed out). */
  mayRetry(err: Error): boolean;
}

export interface ExchangeRequest {
  readonly method: string;
  /** Path and query, starting with "/". */
  readonly path: string;
  readonly body?: string | AsyncIterable<Uint8Array> | undefined;
  readonly call: Call;
  /** Answer headers as received (names and values in order) instead of an object of lowercase names. */
  readonly rawHeaders?: boolean;
}

export interface Exchange {
  readonly status: number;
  readonly statusText: string;
  /** Lowercase names (or, with rawHeaders, names and values in order: name, value, name, value…). */
  readonly headers: Record<string, string | string[] | undefined> | string[];
  /** Its content-length, when it has one. */
  readonly contentLength: number | undefined;
  /** The body; destroyed with the timeout's error if the deadline passes before it ends. */
  readonly body: Dispatcher.ResponseData["body"];
}

type CallOptions = Dispatcher.DispatchOptions & { readonly call: Call };

/** Counts a call's attempts, and bounds each by the call's deadline. */
class AttemptHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private readonly timer: NodeJS.Timeout;
  private timedOut: TransportTimeout | undefined;
  private done = false;

  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly attempt: Attempt,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = new TransportTimeout(timeoutMs);
      this.controller?.abort(this.timedOut);
    }, timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.controller = controller;
    if (this.timedOut) controller.abort(this.timedOut);
    else this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: Dispatcher.ResponseData["headers"], socket: import("node:stream").Duplex): void {
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Dispatcher.ResponseData["headers"], statusMessage?: string): void {
    if (statusCode >= 200) this.attempt.answered(statusCode);
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Dispatcher.ResponseData["headers"]): void {
    this.finish(null);
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, err: Error): void {
    const error = this.timedOut ?? err;
    this.finish(error);
    this.inner.onResponseError?.(controller, error);
  }

  private finish(err: Error | null): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.attempt.ended(err);
  }
}

/** The interceptor below the retries: every attempt gets its headers, timeouts and deadline. */
const attempts: Dispatcher.DispatcherComposeInterceptor = (dispatch) => {
  return (opts, handler) => {
    const { call } = opts as CallOptions;
    const timeoutMs = Math.max(1, Math.floor(call.deadline - performance.now()));
    const attempt = call.attempt(timeoutMs);
    // the options are this call's own (a retry dispatches them again): each attempt sets its own values
    const options = opts as { headers?: unknown; headersTimeout?: number; bodyTimeout?: number };
    options.headers = attempt.headers;
    options.headersTimeout = timeoutMs;
    options.bodyTimeout = timeoutMs;
    return dispatch(opts, new AttemptHandler(handler, attempt, timeoutMs));
  };
};

/** The retry interceptor's decision, left to the call: the deadline and the attempt count rule. */
const retryPolicy: NonNullable<Parameters<typeof Undici.interceptors.retry>[0]>["retry"] = (err, { opts }, retry) => {
  const call = (opts as unknown as CallOptions).call;
  if (call.mayRetry(err)) setImmediate(retry, null);
  else retry(err);
  return null;
};

/** Every 5xx may be retried (the call's policy decides). */
const SERVER_ERRORS = Array.from({ length: 100 }, (_v, i) => 500 + i);

export interface UpstreamPoolOptions {
  /** Base URL, e.g. http://catalog:5001 (its origin is what counts). */
  readonly baseUrl: string;
  /** The longest a call may take: the bound on connecting, too (ms). */
  readonly timeoutMs: number;
}

/**
 * One upstream's connections: keep-alive, idle sockets closed after 4 s or
 * one second before the server's announced Keep-Alive timeout, whichever is
 * first, so a request is rarely written to a socket the server is closing.
 */
export class UpstreamPool {
  private readonly origin: string;
  private readonly pool: Undici.Pool;
  private readonly once: Dispatcher;
  private readonly retrying: Dispatcher;

  constructor(options: UpstreamPoolOptions) {
    const { Pool, interceptors } = loadUndici();
    this.origin = new URL(options.baseUrl).origin;
    this.pool = new Pool(this.origin, {
      keepAliveTimeout: 4_000,
      keepAliveTimeoutThreshold: 1_000,
      connectTimeout: options.timeoutMs,
    });
    this.once = this.pool.compose(attempts);
    // Which calls are retried, and when, is retryPolicy's alone: undici (8.13) reads the options `methods`
    // and `retryAfter` only in its default retry function, which ours replaces (handler/retry-handler.js).
    this.retrying = this.pool.compose(attempts, interceptors.retry({ throwOnError: false, statusCodes: SERVER_ERRORS, retry: retryPolicy }));
  }

  /** Sends the request; resolves once the response headers arrive (the body still under the deadline), rejects with the timeout or the socket error. */
  async exchange(request: ExchangeRequest): Promise<Exchange> {
    const { method, path, body, call } = request;
    const dispatcher = call.attempts > 1 && body === undefined ? this.retrying : this.once;
    const options = { origin: this.origin, method: method as Dispatcher.HttpMethod, path, body: body ?? null, call, responseHeaders: request.rawHeaders ? ("raw" as const) : null };
    const answer = await dispatcher.request(options as Dispatcher.RequestOptions);
    const headers = answer.headers as Exchange["headers"];
    const length = Array.isArray(headers) ? rawValue(headers, "content-length") : headers["content-length"];
    const contentLength = typeof length === "string" && length !== "" ? Number(length) : undefined;
    return { status: answer.statusCode, statusText: answer.statusText, headers, contentLength, body: answer.body };
  }

  /** Closes its connections (tests; a service's connections end with the process). */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The first value of header `name` (lowercase) in a raw list. */
function rawValue(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** Discards a body, so its connection can be reused. */
export function discard(body: Exchange["body"]): void {
  body.dump().catch(() => undefined);
}

/** Reads a body to the end, failing beyond `maxBytes` (then the exchange is dropped). */
export function readBody(body: Exchange["body"], declaredLength: number | undefined, maxBytes: number): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > maxBytes) {
    const error = new Error(`answer larger than ${maxBytes} bytes`);
    body.destroy(error);
    return Promise.reject(error);
  }
  if (declaredLength !== undefined) return body.bytes().then((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        body.destroy(new Error(`answer larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    body.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    body.once("error", reject);
    body.once("close", () => reject(new Error("the connection closed before the answer ended")));
  });
}
