/**
 * Every service behind the gateway, in this test process, over real HTTP on
 * loopback and one real Redis, wired exactly as the topology says:
 *
 *   const backend = await startBackend(stack, redis.url, { payment: { decline } });
 *   await fetch(`${backend.urls.cart}/cart/user123`);
 *   await backend.settle();   // wait for the best-effort background notifications
 *
 * Faults are injectable (a Fault the test flips), and `serveOn` restarts one
 * service on its port to simulate an outage mid-test.
 */
import type { ServiceName } from "../../services/topology";
import { createCartApp, type CartDeps } from "../../services/cart/cart-app";
import { createCatalogApp } from "../../services/catalog/catalog-app";
import { createNotificationsService } from "../../services/notifications/notifications-app";
import { createOrdersService } from "../../services/orders/orders-app";
import { createPaymentApp } from "../../services/payment/payment-app";
import { createUsersApp } from "../../services/users/users-app";
import type { ServiceApp } from "../../services/kit/service-app";
import { BackgroundTasks } from "../../services/kit/background";
import type { Fault, Random } from "../../services/kit/faults";
import { weightedChoice } from "../../services/kit/weighted-choice";
import { listen, type RunningServer } from "../../services/kit/server";
import type { RedisServiceUser } from "../../services/redis-acl";
import { testKit, type TestKit } from "./kit";
import type { Stack } from "./services";

export interface BackendOptions {
  /** Timeout of every call between services (ms). */
  readonly timeoutMs?: number;
  readonly catalogErrors?: Fault;
  readonly payment?: { readonly decline?: Fault; readonly timeout?: Fault; readonly timeoutDelayMs?: number };
  readonly checkoutLockMs?: number;
  /**
   * Also serve payment v2 (same Redis) and let cart split charges per
   * request: `weight` percent to v2, drawn from `random`. v1 keeps `payment`'s faults.
   */
  readonly paymentCanary?: { readonly weight: number; readonly random: Random; readonly decline?: Fault; readonly timeout?: Fault };
  /** Per service, a Redis URL of its own (its ACL user: TestRedis.userUrl); the others share `redisUrl`. */
  readonly redisUrls?: Partial<Record<RedisServiceUser, string>>;
}

/** The services this in-process backend wires up (everything behind the gateway, as of these tests). */
export type BackendService = "users" | "catalog" | "notifications" | "orders" | "payment" | "cart";

export interface Backend {
  readonly urls: Record<BackendService, string>;
  readonly kits: Record<BackendService, TestKit>;
  readonly apps: Record<BackendService, ServiceApp>;
  /** payment v2's URL, when started with `paymentCanary` (urls.payment is then v1). */
  readonly paymentV2Url?: string;
  /** Waits until every background task (notifications) has finished. */
  settle(): Promise<void>;
  /** Stops one service's server (its port refuses connections). */
  stop(name: BackendService): Promise<void>;
  /** Serves it again on the same port. */
  restart(name: BackendService): Promise<void>;
}

export async function startBackend(stack: Stack, redisUrl: string, options: BackendOptions = {}): Promise<Backend> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const kits = {
    users: testKit("users"),
    catalog: testKit("catalog"),
    notifications: testKit("notifications"),
    orders: testKit("orders"),
    payment: testKit("payment"),
    cart: testKit("cart"),
  };
  const servers = new Map<string, RunningServer>();
  const urls = {} as Backend["urls"];
  const apps = {} as Backend["apps"];
  const tasks: BackgroundTasks[] = [];
  const serve = async (name: keyof Backend["urls"], app: ServiceApp) => {
    apps[name] = app;
    const server = await stack.serve(app);
    servers.set(name, server);
    urls[name] = server.url;
  };
  const client = (name: ServiceName) => stack.upstream(name, urls[name as keyof Backend["urls"]], { timeoutMs });
  const background = (kit: TestKit) => {
    const tasks_ = new BackgroundTasks(kit.kit.logger);
    tasks.push(tasks_);
    return tasks_;
  };
  const shared = await stack.redis(redisUrl, 500);
  const redisOf = (user: RedisServiceUser) => (options.redisUrls?.[user] ? stack.redis(options.redisUrls[user], 500) : Promise.resolve(shared));

  await serve("users", createUsersApp({ kit: kits.users.kit }));
  await serve("catalog", createCatalogApp({ kit: kits.catalog.kit, ...(options.catalogErrors ? { errorRate: options.catalogErrors } : {}) }));
  const notifications = createNotificationsService({ kit: kits.notifications.kit, redis: await redisOf("notifications"), consumer: { blockMs: 200, claimEveryMs: 200 } });
  notifications.start?.();
  stack.defer(() => notifications.stop!());
  await serve("notifications", notifications.app);
  const orders = createOrdersService({ kit: kits.orders.kit, redis: await redisOf("orders"), users: client("users") });
  orders.start?.();
  await serve("orders", orders.app);
  await serve(
    "payment",
    createPaymentApp({
      kit: kits.payment.kit,
      redis: await redisOf("payment"),
      notifications: client("notifications"),
      background: background(kits.payment),
      faults: { ...(options.payment?.decline ? { decline: options.payment.decline } : {}), ...(options.payment?.timeout ? { timeout: options.payment.timeout } : {}) },
      ...(options.payment?.timeoutDelayMs !== undefined ? { timeoutDelayMs: options.payment.timeoutDelayMs } : {}),
    }),
  );
  const canary = options.paymentCanary;
  let paymentV2Url: string | undefined;
  if (canary) {
    const kit = testKit("payment", { version: "v2" });
    const server = await stack.serve(
      createPaymentApp({
        kit: kit.kit,
        redis: await redisOf("payment"),
        notifications: client("notifications"),
        background: background(kit),
        faults: { ...(canary.decline ? { decline: canary.decline } : {}), ...(canary.timeout ? { timeout: canary.timeout } : {}) },
        ...(options.payment?.timeoutDelayMs !== undefined ? { timeoutDelayMs: options.payment.timeoutDelayMs } : {}),
      }),
    );
    paymentV2Url = server.url;
  }
  await serve(
    "cart",
    createCartApp({
      kit: kits.cart.kit,
      redis: await redisOf("cart"),
      upstreams: {
        catalog: client("catalog"),
        payment: canary ? weightedChoice(client("payment"), stack.upstream("payment", paymentV2Url!, { timeoutMs }), canary.weight, canary.random) : client("payment"),
        orders: client("orders"),
        notifications: client("notifications"),
      },
      background: background(kits.cart),
      ...(options.checkoutLockMs ? { checkoutLockMs: options.checkoutLockMs } : {}),
    }),
  );
  const settle = async () => {
    await Promise.all(tasks.map((t) => t.idle(5_000)));
  };
  stack.defer(settle);
  return {
    urls,
    ...(paymentV2Url ? { paymentV2Url } : {}),
    kits,
    apps,
    settle,
    async stop(name) {
      await servers.get(name)?.close(1_000);
    },
    async restart(name) {
      const port = Number(new URL(urls[name]).port);
      const server = await listen(apps[name], { host: "127.0.0.1", port });
      servers.set(name, server);
      stack.defer(() => server.close(1_000));
    },
  };
}

/** The URL of a service in the backend; a service it does not wire up is the test's mistake, said plainly. */
export function backendUrl(backend: Backend, name: ServiceName): string {
  const url = (backend.urls as Partial<Record<ServiceName, string>>)[name];
  if (url === undefined) throw new Error(`the test backend does not run ${name} (test/support/backend.ts wires ${Object.keys(backend.urls).join(", ")})`);
  return url;
}

/** A fault the test switches on and off. */
export function switchable(on = false): Fault & { on: boolean } {
  return {
    on,
    get rate() {
      return this.on ? 1 : 0;
    },
    hit() {
      return this.on;
    },
  };
}

/**
 * Another cart app in front of a backend's services, with its own kit and
 * Redis connection, and cart's options on top (shorter lifetimes, a lock),
 * for tests that need a cart configured otherwise than the backend's own.
 */
export async function cartApp(
  stack: Stack,
  redisUrl: string,
  urls: Readonly<Record<"catalog" | "payment" | "orders" | "notifications", string>>,
  options: Pick<CartDeps, "checkoutLockMs" | "retention"> = {},
): Promise<ServiceApp> {
  const t = testKit("cart");
  return createCartApp({
    kit: t.kit,
    redis: await stack.redis(redisUrl),
    upstreams: {
      catalog: stack.upstream("catalog", urls.catalog),
      payment: stack.upstream("payment", urls.payment),
      orders: stack.upstream("orders", urls.orders),
      notifications: stack.upstream("notifications", urls.notifications),
    },
    background: new BackgroundTasks(t.kit.logger),
    ...options,
  });
}
