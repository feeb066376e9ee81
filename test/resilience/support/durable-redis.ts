/**
 * A redis-server that keeps what it acknowledged: append-only file, fsync on
 * every write, in a directory of its own — as the cluster's Redis keeps its
 * data on a volume. It can crash (SIGKILL) and come back on the same port
 * with its data, so the suite can tell a write the service lost from one the
 * Redis lost. It is test/support/test-redis.ts's server, run through a wrapper
 * that appends the persistence options (the last value wins).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestRedis, type TestRedis } from "../../support/test-redis";

export interface DurableRedis extends Pick<TestRedis, "url" | "port" | "client" | "restart" | "pause" | "resume" | "close"> {
  /** Kills the server (SIGKILL): what it acknowledged is on disk, and restart() brings it back. */
  crash(): Promise<void>;
}

export async function startDurableRedis(): Promise<DurableRedis> {
  const dir = mkdtempSync(join(tmpdir(), "meshmart-durable-redis-"));
  const command = join(dir, "redis-server-durable");
  writeFileSync(command, `#!/bin/sh\nexec redis-server "$@" --appendonly yes --appendfsync always --dir '${dir}'\n`);
  chmodSync(command, 0o755);
  const redis = await startTestRedis({ command }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: redis.url,
    port: redis.port,
    client: () => redis.client(),
    crash: () => redis.stop("SIGKILL"),
    restart: () => redis.restart(),
    pause: () => redis.pause(),
    resume: () => redis.resume(),
    async close() {
      await redis.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
