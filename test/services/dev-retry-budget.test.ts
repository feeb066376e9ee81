/**
 * The dev stack's retry budget, measured: the gateway and orders wired as
 * services/kit/run.ts wires them in production (buildContext, so each
 * upstream client gets the retries the kit decides), over real HTTP on
 * loopback, in front of a fake users on 127.0.0.1 that answers 500 and counts.
 * One public `GET /api/orders/1` may cost users at most 3 attempts.
 */
import { expect } from "chai";
import { createGatewayApp } from "../../services/gateway/gateway-app";
import { buildContext } from "../../services/kit/run";
import { createOrdersService } from "../../services/orders/orders-app";
import type { ServiceName } from "../../services/topology";
import { rawServer, type RawServer } from "../support/loopback-http";
import { redisSuite } from "../support/services";
import { testStorefront } from "../support/test-storefront";
import { waitFor } from "../support/wait";

const QUIET = { LOG_LEVEL: "error", UPSTREAM_RETRIES: "1" };

describe("dev retry budget: retries only at the hop nearest the failing leaf", () => {
  const { redis, stack } = redisSuite();
  let users: RawServer;

  beforeEach(async () => {
    users = await rawServer((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "internal", message: "users is failing" } }));
    });
    stack.defer(() => users.close());
  });

  async function ordersAt(): Promise<string> {
    const { context } = buildContext("orders", { ...QUIET, USERS_URL: users.url, REDIS_URL: redis.url });
    const orders = createOrdersService({ kit: context.kit, redis: await stack.redis(redis.url), users: context.upstream("users") });
    const served = await stack.serve(orders.app);
    orders.start?.();
    await waitFor("order 1 to be seeded", async () => (await fetch(`${served.url}/orders/1`)).status !== 404);
    return served.url;
  }

  async function gatewayTo(urls: Partial<Record<ServiceName, string>>): Promise<string> {
    const env = { ...QUIET, CATALOG_URL: "http://127.0.0.1:9", CART_URL: "http://127.0.0.1:9", ORDERS_URL: urls.orders ?? "http://127.0.0.1:9", USERS_URL: urls.users ?? users.url };
    const { context } = buildContext("gateway", env);
    const gateway = createGatewayApp({ kit: context.kit, upstream: context.upstream, storefront: await testStorefront() });
    return (await stack.serve(gateway)).url;
  }

  it("GET /api/orders/1 with users answering 500: orders retries users once, the gateway never retries orders", async () => {
    const gateway = await gatewayTo({ orders: await ordersAt() });
    users.requests.length = 0;
    const answer = await fetch(`${gateway}/api/orders/1`);
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(answer.status).to.equal(502);
    expect(body.error.code, "orders' own error, passed through").to.equal("upstream_error");
    // The gateway's public errors name no upstream (test/services/gateway.test.ts); the code is orders'.
    expect(body.error.message).to.not.contain("users");
    expect(users.requests.length, "attempts on users for one public request").to.equal(2).and.at.most(3);
  });

  it("GET /api/users/1: the gateway is the hop nearest users, so it retries once", async () => {
    const gateway = await gatewayTo({});
    const answer = await fetch(`${gateway}/api/users/1`);
    expect(answer.status).to.equal(500);
    expect(users.requests.length).to.equal(2);
  });
});
