/**
 * What every floor server shares: listen on HOST:PORT (port 0: a free one)
 * and announce it with the same "listening" line the kit logs, so the bench
 * starts the floor with the launcher's own spawnService(); JSON answers; and
 * the one keep-alive agent for outbound calls (the services' fetch() pools
 * and reuses connections the same way).
 */
import { Agent, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Keep-alive, unbounded sockets per origin: like undici's default pool behind fetch(). */
export const keepAlive = new Agent({ keepAlive: true });

export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function notFound(res: ServerResponse): void {
  sendJson(res, 404, '{"error":{"code":"not_found","message":"not found"}}');
}

export function serveFloor(name: string, handler: Handler): void {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`${JSON.stringify({ msg: "listening", service: name, port })}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
