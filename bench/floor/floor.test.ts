/**
 * The floor answers the benchmarked paths with the same data as the shop:
 * otherwise the comparison would measure different work.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { PRODUCTS } from "../../services/catalog/catalog-data";
import { OrdersStore } from "../../services/orders/orders-store";
import { SEED_ORDER } from "../../services/orders/seed";
import { startTestRedis, type TestRedis } from "../../test/support/test-redis";
import { buildFloor, startFloor, type Floor } from "./start-floor";

describe("bench: the floor", function () {
  this.timeout(60_000);
  let redis: TestRedis;
  let floor: Floor;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "meshmart-floor-test-"));
    [redis] = await Promise.all([startTestRedis(), buildFloor(dir)]);
    await new OrdersStore(await redis.client()).seed();
    floor = await startFloor(dir, redis.url);
  });
  after(async () => {
    await floor?.stop();
    await redis?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers the benchmarked paths with the shop's data", async () => {
    const { order_id, ...rest } = SEED_ORDER;
    const order = { order_id, user: { id: 1, name: "Alice" }, ...rest };
    expect(await (await fetch(`${floor.urls.users}/users/1`)).json()).to.deep.equal({ id: 1, name: "Alice" });
    expect(await (await fetch(`${floor.urls.orders}/orders/1`)).json()).to.deep.equal(order);
    expect(await (await fetch(`${floor.urls.gateway}/api/orders/1`)).json()).to.deep.equal(order);
    expect(await (await fetch(`${floor.urls.gateway}/api/products`)).json()).to.deep.equal({ products: PRODUCTS });
    expect((await fetch(`${floor.urls.gateway}/api/payments`)).status).to.equal(404);
  });
});
