/**
 * A real redis-server for a test suite, on a free loopback port (never 6379),
 * with no persistence, and the cluster's ACL users (services/redis-acl.ts: one
 * per service, the default user off) plus an `admin` user for the harness.
 * Besides start and stop it can fail on purpose: `stop()`
 * mid-test (a crash by default) and `restart()` on the same port, for the
 * Redis-down cases. Other suites (resilience, bench) use it too:
 *
 *   const redis = await startTestRedis();        // before()
 *   env.REDIS_URL = redis.url;                   // as admin (every command)
 *   const cart = redis.userUrl("cart");          // as cart's ACL user, as in the cluster
 *   const client = await redis.client();         // to count records in assertions
 *   await redis.stop();  …  await redis.restart();
 *   redis.pause();  …  redis.resume();             // a hung Redis (SIGSTOP/SIGCONT)
 *   await redis.close();                         // after(): stops it, closes the client
 */
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { newRedisPasswords, REDIS_ADMIN_USER, startRedisServer, type RedisServerOptions, type RedisServerProcess } from "../../scripts/launcher/redis-server";
import type { RedisClient } from "../../services/kit/redis-client";
import type { RedisUser } from "../../services/redis-acl";

export interface TestRedis {
  /** redis://admin:…@127.0.0.1:port: the harness's all-powerful user (plain redis://host:port with `password`). */
  readonly url: string;
  /** redis://<user>:<password>@127.0.0.1:port: a service's own ACL user. */
  userUrl(user: RedisUser): string;
  readonly port: number;
  /** Whether the server process is running now. */
  readonly running: boolean;
  /** A connected client for assertions (one per suite, closed by close()). */
  client(): Promise<RedisClient>;
  /** Empties every key (between tests). */
  flush(): Promise<void>;
  /** Stops Redis mid-test: SIGKILL (a crash) by default, SIGTERM for a clean stop. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again, empty, on the same port. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Unfreezes it (SIGCONT). */
  resume(): void;
  /** Stops the server and closes the client: call in after(). */
  close(): Promise<void>;
}

export interface TestRedisOptions {
  /** The old single password (requirepass on the default user) instead of the ACL users. */
  readonly password?: string;
  /** maxmemory with the noeviction policy, as in the cluster. */
  readonly maxmemory?: string;
  /** The redis-server to run (a wrapper that adds options, say); `redis-server` from PATH by default. */
  readonly command?: string;
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const acl = options.password ? undefined : { passwords: newRedisPasswords(), admin: randomBytes(16).toString("hex") };
  const serverOptions: RedisServerOptions = { ...options, ...(acl ? { acl } : {}) };
  let server: RedisServerProcess | undefined = await startRedisServer(serverOptions);
  const { host, port } = server;
  const withUser = (user: string, password: string) => `redis://${user}:${password}@${host}:${port}`;
  const url = acl ? withUser(REDIS_ADMIN_USER, acl.admin) : server.url;
  let client: RedisClient | undefined;
  const connected = async (): Promise<RedisClient> => {
    if (!client) {
      client = createClient({
        url,
        ...(options.password ? { password: options.password } : {}),
        socket: { reconnectStrategy: (retries) => Math.min(20 * 2 ** retries, 500) },
      }) as RedisClient;
      client.on("error", () => undefined); // reconnects on its own after restart()
      await client.connect();
    }
    return client;
  };
  return {
    url,
    port,
    userUrl(user) {
      if (!acl) throw new Error("this test Redis runs without ACL users (started with `password`)");
      return withUser(user, acl.passwords[user]);
    },
    get running() {
      return server !== undefined;
    },
    client: connected,
    async flush() {
      await (await connected()).flushAll();
    },
    async stop(signal = "SIGKILL") {
      await server?.stop(signal);
      server = undefined;
    },
    async restart() {
      if (server) await server.stop("SIGKILL");
      server = await startRedisServer({ ...serverOptions, port });
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
    },
  };
}
