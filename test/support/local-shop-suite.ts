/**
 * The hooks of a suite that runs against the whole local shop (every service
 * and its own redis-server on 127.0.0.1, as `npm start` runs them, on free
 * ports, from the test run's own bundle), registered on the calling
 * describe(): started before the suite, stopped after it.
 *
 *   const local = localShopSuite({ env: { PAYMENT_TIMEOUT_RATE: "1" } });
 *   it("…", () => fetch(`${local.shop.urls.gateway}/api/products`));
 */
import { startShop, type Shop, type ShopOptions } from "../../scripts/launcher/start-shop";
import { bundle } from "./test-dist";

export function localShopSuite(options: Omit<ShopOptions, "distDir" | "ports"> = {}): { readonly shop: Shop } {
  let started: Shop | undefined;
  before(async function () {
    this.timeout(120_000);
    started = await startShop({ distDir: await bundle(), ports: "free", ...options });
  });
  after(async function () {
    this.timeout(60_000);
    await started?.stop();
  });
  return {
    get shop(): Shop {
      if (!started) throw new Error("the local shop is used before its before() hook ran");
      return started;
    },
  };
}
