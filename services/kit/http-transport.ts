/**
 * One HTTP exchange with an upstream over node:http and a shared keep-alive
 * agent, bounded by one deadline over connect, headers and the whole body.
 * The client (http-client.ts) decides what the outcome means; this file only
 * moves bytes. It replaced fetch(): building a WHATWG Request, Headers,
 * AbortSignal and body streams for every call cost orders about a quarter of
 * its CPU on GET /orders/1 (bench/RESULTS.md, "What it cost and what was fixed").
 */
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Readable } from "node:stream";

/**
 * Keep-alive with LIFO reuse (like Node's global agent): idle sockets close
 * after 4 s or one second before the server's announced Keep-Alive timeout,
 * whichever is first, so a request is rarely written to a socket the server
 * is closing (a POST is never retried after that).
 */
export const upstreamAgent = new Agent({ keepAlive: true, scheduling: "lifo", timeout: 4_000 });

export class TransportTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = "TransportTimeout";
  }
}

export interface Exchange {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  /** Header names and values as received, in order (for passing them on). */
  readonly rawHeaders: readonly string[];
  /** The body; destroyed with a TransportTimeout if the deadline passes before it ends. */
  readonly body: IncomingMessage;
  /** Whether the deadline has passed (the body, if still read, errors). */
  timedOut(): boolean;
}

export interface ExchangeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body?: string | Readable | undefined;
  /** The deadline for the whole exchange, body included. */
  readonly timeoutMs: number;
}

/**
 * Sends the request; resolves once the response headers arrive (the body
 * still under the deadline), rejects with TransportTimeout or the socket
 * error (ECONNREFUSED, ECONNRESET…).
 */
export function exchange(options: ExchangeRequest): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const req = request(options.url, { method: options.method, headers: options.headers, agent: upstreamAgent });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new TransportTimeout(options.timeoutMs));
    }, options.timeoutMs);
    const done = () => clearTimeout(timer);
    req.on("error", (err) => {
      done();
      reject(timedOut ? new TransportTimeout(options.timeoutMs) : err);
    });
    req.once("response", (res) => {
      res.on("error", () => undefined); // readers see it through their own listeners
      res.once("end", done);
      res.once("close", done);
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? "",
        headers: res.headers,
        rawHeaders: res.rawHeaders,
        body: res,
        timedOut: () => timedOut,
      });
    });
    if (options.body instanceof Readable) {
      options.body.once("error", (err) => req.destroy(err));
      options.body.pipe(req);
    } else {
      req.end(options.body);
    }
  });
}

/** Reads a body to the end, failing beyond `maxBytes` (then the exchange is dropped). */
export function readBody(body: IncomingMessage, maxBytes: number): Promise<Buffer> {
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
    body.on("error", reject);
    body.once("close", () => {
      if (!body.complete) reject(body.errored ?? new Error("the connection closed before the answer ended"));
    });
  });
}
