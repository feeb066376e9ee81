/**
 * Wiring real services together in one test process, over real HTTP on
 * loopback, the way services/kit/run.ts wires them in production:
 *
 *   const stack = new Stack();                           // closes everything in after()
 *   const redis = await stack.redis(url);                // the kit's client, connected
 *   const users = await stack.serve(createUsersApp({ kit: testKit("users").kit }));
 *   const orders = createOrdersService({ kit, redis, users: stack.upstream("users", users.url) });
 *   const served = await stack.serve(orders.app);
 */
import type { ServiceName } from "../../services/topology";
import { Upstream } from "../../services/kit/http-client";
import { closeRedis, connectInBackground, createRedis, type RedisClient } from "../../services/kit/redis-client";
import type { Fetchable, RunningServer } from "../../services/kit/server";
import { createLogger } from "../../services/kit/logger";
import { serveApp } from "./loopback-http";
import { startTestRedis, type TestRedis } from "./test-redis";
import { waitFor } from "./wait";

export class Stack {
  private readonly closers: (() => Promise<unknown>)[] = [];

  /** The kit's Redis client (no offline queue, bounded commands), once connected. */
  async redis(url: string, timeoutMs = 1_000): Promise<RedisClient> {
    const logger = createLogger({ level: "error", write: () => undefined });
    const client = createRedis({ url, timeoutMs, logger });
    connectInBackground(client, logger);
    this.closers.push(() => closeRedis(client));
    await waitFor("redis to connect", () => client.isReady);
    return client;
  }

  /** The client a service would have for `name` at `baseUrl`. */
  upstream(name: ServiceName, baseUrl: string, options: { timeoutMs?: number; retries?: 0 | 1 } = {}): Upstream {
    return new Upstream({ name, baseUrl, timeoutMs: options.timeoutMs ?? 2_000, retries: options.retries ?? 1 });
  }

  /** Serves an app on a free loopback port until close(). */
  async serve(app: Fetchable): Promise<RunningServer> {
    const server = await serveApp(app);
    this.closers.push(() => server.close(1_000));
    return server;
  }

  /** Registers any other cleanup. */
  defer(fn: () => Promise<unknown>): void {
    this.closers.push(fn);
  }

  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => undefined);
  }
}

/** fetch with a JSON body. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
}

/**
 * The hooks most service suites share, registered on the calling describe():
 * one redis-server for the suite (flushed before each test) and one Stack
 * closed after each test. Call it first, so these hooks run before the suite's own.
 *
 *   const { redis, stack } = redisSuite();
 */
export function redisSuite(): { readonly redis: TestRedis; readonly stack: Stack } {
  let started: TestRedis | undefined;
  const redis = new Proxy({} as TestRedis, {
    get(_target, property) {
      if (!started) throw new Error("the suite's Redis is used before its before() hook ran");
      const value = Reflect.get(started, property, started) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
  const stack = new Stack();
  before(async () => {
    started = await startTestRedis();
  });
  beforeEach(() => redis.flush());
  afterEach(() => stack.close());
  after(() => started?.close());
  return { redis, stack };
}
