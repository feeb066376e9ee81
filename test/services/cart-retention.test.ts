/**
 * Carts do not grow without bound: a cart expires after its idle time
 * (CART_TTL_SECONDS; short here), and a cart emptied by removals or by a
 * completed checkout leaves no key behind. Real HTTP, real Redis.
 */
import { expect } from "chai";
import { Cart } from "../../services/contracts/cart";
import type { RunningServer } from "../../services/kit/server";
import { cartApp, startBackend, type Backend } from "../support/backend";
import { postJson, redisSuite } from "../support/services";
import { waitFor } from "../support/wait";

describe("cart retention: idle carts expire, emptied carts leave no keys", function () {
  const { redis, stack } = redisSuite();
  let backend: Backend;

  const add = (cart: RunningServer, user: string, productId: string, quantity = 1) => postJson(`${cart.url}/cart/${user}/add`, { product_id: productId, quantity });
  const remove = (cart: RunningServer, user: string, productId: string) => fetch(`${cart.url}/cart/${user}/items/${productId}`, { method: "DELETE" });

  async function cartKeys(user: string): Promise<string[]> {
    const client = await redis.client();
    const found: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `cart:${user}:*`, COUNT: 100 })) found.push(...batch);
    return found.sort();
  }

  async function cartService(cartIdleMs?: number): Promise<RunningServer> {
    return stack.serve(await cartApp(stack, redis.url, backend.urls, cartIdleMs ? { retention: { cartIdleMs } } : {}));
  }

  beforeEach(async () => {
    backend = await startBackend(stack, redis.url, { timeoutMs: 1_000 });
  });

  it("a cart nobody changes expires after the idle time; each change restarts it", async () => {
    const cart = await cartService(1_500);
    expect((await add(cart, "idle", "1")).status).to.equal(200);
    const client = await redis.client();
    for (const key of await cartKeys("idle")) expect(await client.pTTL(key), key).to.be.within(1, 1_500);
    await add(cart, "idle", "2");
    await waitFor("the idle cart to expire", async () => (await cartKeys("idle")).length === 0, { timeoutMs: 5_000 });
    const after = Cart.parse(await (await fetch(`${cart.url}/cart/idle`)).json());
    expect(after.items).to.deep.equal([]);
  });

  it("the default idle time is CART_TTL_SECONDS' default, on every key of the cart", async () => {
    const cart = await cartService();
    await add(cart, "week", "1");
    const client = await redis.client();
    const keys = await cartKeys("week");
    expect(keys).to.deep.equal(["cart:week:items", "cart:week:rev"]);
    for (const key of keys) expect(await client.pTTL(key), key).to.be.within(7 * 24 * 3_600_000 - 60_000, 7 * 24 * 3_600_000);
  });

  it("removing the last item leaves no keys behind", async () => {
    const cart = await cartService();
    await add(cart, "emptied", "1");
    await add(cart, "emptied", "2");
    expect((await remove(cart, "emptied", "1")).status).to.equal(200);
    const last = await remove(cart, "emptied", "2");
    expect(last.status).to.equal(200);
    expect(Cart.parse(await last.json()).items).to.deep.equal([]);
    expect(await cartKeys("emptied")).to.deep.equal([]);
  });

  it("a checkout that buys the whole cart leaves no keys behind", async () => {
    const cart = await cartService();
    await add(cart, "bought", "3", 2);
    expect((await fetch(`${cart.url}/cart/bought/checkout`, { method: "POST" })).status).to.equal(201);
    expect(await cartKeys("bought")).to.deep.equal([]);
  });
});
