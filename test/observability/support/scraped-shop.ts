/**
 * The local shop as a cluster's Prometheus sees it: its own redis-server
 * with the cluster's ACL users and maxmemory, every service (from a fresh
 * bundle, free ports), Redis's exporter (Debian's, as its own ACL user) and
 * Debian's Prometheus scraping them all every second with the labels the
 * ServiceMonitors give (payment's two versions behind one `payment`
 * Service), the SLO and alert rules loaded. Used by the real-Prometheus test
 * and by `npm run dashboard-picture`.
 *
 *   const scraped = await startScrapedShop({ namespace: "meshmart", shop: { env: { CATALOG_ERROR_RATE: "0.05" } } });
 *   await fetch(`${scraped.shop.urls.gateway}/api/products`);
 *   await scraped.prom.query("up");
 *   await scraped.stop();
 */
import { alertRules } from "../../../infra/observability/rules";
import { sloRules } from "../../../infra/observability/slo";
import { DEFAULT_MAXMEMORY, REDIS_METRICS_SERVICE } from "../../../infra/redis/redis-spec";
import { REDIS_EXPORTER_USER } from "../../../services/redis-acl";
import { SHOP_PROCESSES } from "../../../scripts/launcher/launcher-processes";
import { startShop, type Shop, type ShopOptions } from "../../../scripts/launcher/start-shop";
import { bundle } from "../../support/test-dist";
import { startTestRedis, type TestRedis } from "../../support/test-redis";
import { startPrometheus, type RunningPrometheus } from "./prometheus";
import { startRedisExporter, type RunningRedisExporter } from "./redis-exporter";

/** The job scraping Redis's exporter (the ServiceMonitor finds it behind the redis-metrics Service). */
export const REDIS_EXPORTER_JOB = "redis-exporter";

export interface ScrapedShopOptions {
  readonly namespace: string;
  /** Passed to startShop (fault rates, the canary weight…); ports, bundle and Redis are this module's. */
  readonly shop?: Omit<ShopOptions, "distDir" | "ports" | "redisUrl" | "redisPassword">;
}

export interface ScrapedShop {
  readonly shop: Shop;
  readonly prom: RunningPrometheus;
  readonly exporter: RunningRedisExporter;
  readonly redis: TestRedis;
  /** Prometheus, the exporter, the shop, then Redis; what started is stopped. */
  stop(): Promise<void>;
}

export async function startScrapedShop(options: ScrapedShopOptions): Promise<ScrapedShop> {
  let shop: Shop | undefined;
  let prom: RunningPrometheus | undefined;
  let exporter: RunningRedisExporter | undefined;
  let redis: TestRedis | undefined;
  const stop = async () => {
    await prom?.stop();
    await exporter?.stop();
    await shop?.stop();
    await redis?.close();
  };
  try {
    // Redis with the cluster's ACL users and maxmemory; the exporter logs in as its own user
    redis = await startTestRedis({ maxmemory: DEFAULT_MAXMEMORY });
    shop = await startShop({ ...options.shop, distDir: await bundle(), ports: "free", redisUrl: redis.url });
    exporter = await startRedisExporter(redis.userUrl(REDIS_EXPORTER_USER));
    const urls = shop.urls;
    prom = await startPrometheus({
      namespace: options.namespace,
      // payment's two versions sit behind one Service, as in a cluster
      targets: [
        ...SHOP_PROCESSES.map((p) => ({ job: p, address: new URL(urls[p]).host, service: p === "payment-v2" ? "payment" : p })),
        { job: REDIS_EXPORTER_JOB, address: exporter.address, service: REDIS_METRICS_SERVICE },
      ],
      ruleGroups: [sloRules(options.namespace), alertRules(options.namespace)],
    });
    return { shop, prom, exporter, redis, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
