/**
 * A redis-server that keeps what it acknowledged: append-only file, fsync on
 * every write, in a directory of its own — as the cluster's Redis keeps its
 * data on a volume. It can crash (SIGKILL) and come back on the same port
 * with its data, so the suite can tell a write the service lost from one the
 * Redis lost. Started with the launcher's startRedisServer(), through a
 * wrapper that appends the persistence options (the last value wins).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { startRedisServer, type RedisServerProcess } from "../../../scripts/shop/redis-server";
import type { RedisClient } from "../../../services/kit/redis";

export interface DurableRedis {
  readonly url: string;
  readonly port: number;
  /** A client for assertions; reconnects by itself across crashes. */
  client(): Promise<RedisClient>;
  /** Kills the server (SIGKILL): what it acknowledged is on disk. */
  crash(): Promise<void>;
  /** Starts it again on the same port, from its files. */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startDurableRedis(): Promise<DurableRedis> {
  const dir = mkdtempSync(join(tmpdir(), "meshmart-durable-redis-"));
  const command = join(dir, "redis-server-durable");
  writeFileSync(command, `#!/bin/sh\nexec redis-server "$@" --appendonly yes --appendfsync always --dir '${dir}'\n`);
  chmodSync(command, 0o755);
  let server: RedisServerProcess | undefined = await startRedisServer({ command });
  const port = server.port;
  let client: RedisClient | undefined;
  return {
    url: server.url,
    port,
    async client() {
      if (!client) {
        client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 50 } }) as RedisClient;
        client.on("error", () => undefined);
        await client.connect();
      }
      return client;
    },
    async crash() {
      await server?.stop("SIGKILL");
      server = undefined;
    },
    async restart() {
      if (server) await server.stop("SIGKILL");
      server = await startRedisServer({ command, port });
    },
    pause() {
      if (server) process.kill(server.pid, "SIGSTOP");
    },
    resume() {
      if (server) process.kill(server.pid, "SIGCONT");
    },
    async close() {
      if (server) process.kill(server.pid, "SIGCONT");
      client?.destroy();
      client = undefined;
      await server?.stop("SIGKILL");
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
