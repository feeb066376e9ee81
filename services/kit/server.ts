/**
 * Serving an app over HTTP with @hono/node-server, and closing it gracefully:
 * stop accepting, let in-flight requests finish, close keep-alive connections
 * as they fall idle, and cut whatever is left when the time is up.
 *
 * Requests that never reach the app get a JSON error too, never an empty or
 * plain-text answer or a silently dropped connection: what node's HTTP parser
 * refuses (malformed request line or headers, headers too large, conflicting
 * lengths — 400/431), what @hono/node-server refuses (a backslash in the
 * path, an invalid Host — 400) and CONNECT (405).
 *
 * The server's own timeouts are set explicitly (ServerTimeouts): a client
 * has `receiveMs` to send a whole request, head and body (a slow or stalled
 * body gets a JSON 408 and the connection closes), `headersMs` for the head
 * alone, and an idle keep-alive connection is kept `keepAliveMs`.
 */
import type { AddressInfo, Socket } from "node:net";
import { createServer, STATUS_CODES, type Server } from "node:http";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Duplex } from "node:stream";

export interface Fetchable {
  fetch(request: Request, ...rest: never[]): Response | Promise<Response>;
}

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** http://<host>:<port>, with 127.0.0.1 standing in for a wildcard host. */
  readonly url: string;
  /** Resolves true when every request finished in time, false when some were cut. */
  close(timeoutMs: number): Promise<boolean>;
}

/**
 * The server's timeouts, in milliseconds.
 *
 * keepAliveMs outlasts the idle timeout of the clients that pool
 * connections to us (ingress-nginx keeps idle upstream connections 60 s;
 * undici 4 s, and it honours our Keep-Alive hint): when the server closes
 * an idle connection first, a request the proxy sends on it at that moment
 * is lost — a 502 to the shopper, since the edge does not retry. Idle
 * connections cost a socket each; how many a client may open is the
 * edge's connection limit, not this timer's job.
 */
export interface ServerTimeouts {
  /** The whole request, head and body, must arrive within this (node's requestTimeout). */
  readonly receiveMs: number;
  /** The head must arrive within this (node's headersTimeout; at most receiveMs). */
  readonly headersMs: number;
  /** How long an idle keep-alive connection stays open (node's keepAliveTimeout). */
  readonly keepAliveMs: number;
}

export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = { receiveMs: 10_000, headersMs: 10_000, keepAliveMs: 65_000 };

/** The server options for `timeouts`; node checks for expired requests every connectionsCheckingInterval (30 s by default: too coarse). */
function serverOptions(timeouts: Partial<ServerTimeouts> = {}) {
  const receiveMs = timeouts.receiveMs ?? DEFAULT_SERVER_TIMEOUTS.receiveMs;
  const headersMs = Math.min(timeouts.headersMs ?? DEFAULT_SERVER_TIMEOUTS.headersMs, receiveMs);
  return {
    requestTimeout: receiveMs,
    headersTimeout: headersMs,
    keepAliveTimeout: timeouts.keepAliveMs ?? DEFAULT_SERVER_TIMEOUTS.keepAliveMs,
    connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(headersMs / 4))),
  };
}

function errorJson(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** A whole HTTP/1.1 error answer written straight to a socket, for requests the app never sees. */
export function rawJsonError(status: number, code: string, message: string): string {
  const body = errorJson(code, message);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** What the HTTP parser refused, as a status and code. */
function parserRefusal(err: NodeJS.ErrnoException): [number, string, string] {
  if (err.code === "HPE_HEADER_OVERFLOW") return [431, "headers_too_large", "the request headers are too large"];
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT" || err.code === "HPE_HEADER_TIMEOUT") return [408, "request_timeout", "the request took too long to arrive"];
  return [400, "bad_request", "malformed HTTP request"];
}

/**
 * The parser refused what the client sent. Even when the request's head was
 * fine and the app already has it (a malformed chunked body), the client
 * gets the JSON error, not a dropped connection; the app's own answer, if it
 * comes, has nowhere to go. Only an answer already under way is cut.
 */
function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = parserRefusal(err);
  socket.end(rawJsonError(status, code, message));
}

export function listen(app: Fetchable, options: { host: string; port: number; timeouts?: Partial<ServerTimeouts> }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const listener = getRequestListener(app.fetch as (request: Request) => Promise<Response>, {
      hostname: options.host,
      errorHandler: (err) =>
        err instanceof RequestError
          ? new Response(errorJson("bad_request", err.message), { status: 400, headers: { "content-type": "application/json" } })
          : new Response(errorJson("internal", "internal error"), { status: 500, headers: { "content-type": "application/json" } }),
    });
    const server = createServer(serverOptions(options.timeouts), listener);
    server.on("clientError", onClientError);
    server.on("connect", (_req, socket: Duplex) => socket.end(rawJsonError(405, "method_not_allowed", "CONNECT is not allowed")));
    server.listen(options.port, options.host);
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
      resolve({ server, port, url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, close: (timeoutMs) => closeServer(server, timeoutMs) });
    });
  });
}

export function closeServer(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve(true);
    let finished = false;
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const deadline = setTimeout(() => {
      if (finished) return;
      finished = true;
      clearInterval(sweep);
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      if (!finished) {
        finished = true;
        resolve(true);
      }
    });
    server.closeIdleConnections();
  });
}
