/**
 * Real HTTP on loopback for tests: serve an app on a free port, and small
 * programmable servers that behave like a broken upstream (hang, answer
 * garbage, reset the connection) — failures a healthy service cannot be
 * asked to produce. Close everything in after().
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { listen, type Fetchable, type RunningServer } from "../../services/kit/server";

/** Serves `app` on 127.0.0.1 at a free port. */
export function serveApp(app: Fetchable): Promise<RunningServer> {
  return listen(app, { host: "127.0.0.1", port: 0 });
}

export interface RawServer {
  readonly url: string;
  readonly port: number;
  /** Requests seen so far (method, url, headers). */
  readonly requests: { method: string; url: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

/** A plain node:http server with `handler`, on 127.0.0.1 at a free port. */
export function rawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RawServer> {
  const requests: RawServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    handler(req, res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An upstream that accepts the request and never answers. */
export const hangs = (): Promise<RawServer> => rawServer(() => undefined);

/** An upstream that answers `status` with a body that is not JSON. */
export const answersGarbage = (status = 200): Promise<RawServer> =>
  rawServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end("<html>definitely not json");
  });

/** An upstream that closes the connection without answering. */
export const resets = (): Promise<RawServer> => rawServer((req) => req.socket.destroy());

/** A loopback URL where nothing listens (connection refused). */
export async function closedUrl(): Promise<string> {
  const server = await rawServer(() => undefined);
  await server.close();
  return server.url;
}
