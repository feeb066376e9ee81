/**
 * Builds the floor (bench/floor/floor-*.ts) the way scripts/build.mjs builds the
 * services — esbuild, one ESM bundle per server — and starts users,
 * catalog, orders and gateway as processes with the launcher's
 * spawnService(), on free loopback ports, wired to each other and to the
 * shop's Redis (the same order 1 in the same hash).
 */
import { join } from "node:path";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { bundleServers } from "../bundle-servers";

export const FLOOR_SERVICES = ["users", "catalog", "orders", "gateway"] as const;
export type FloorService = (typeof FLOOR_SERVICES)[number];

export interface Floor {
  readonly urls: Readonly<Record<FloorService, string>>;
  readonly pids: Readonly<Record<FloorService, number>>;
  stop(): Promise<void>;
}

/** Bundles the floor servers into `<dir>/services/<name>.mjs` (the layout spawnService expects). */
export async function buildFloor(dir: string): Promise<void> {
  await bundleServers(Object.fromEntries(FLOOR_SERVICES.map((name) => [name, join(__dirname, `floor-${name}.ts`)])), dir);
}

/** Starts the floor built into `dir` (buildFloor), using the Redis at `redisUrl`. */
export async function startFloor(dir: string, redisUrl: string): Promise<Floor> {
  const running: ServiceProcess[] = [];
  const stop = async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
    await Promise.all(running.map((p) => p.exited));
  };
  try {
    const urls = {} as Record<FloorService, string>;
    const pids = {} as Record<FloorService, number>;
    const start = async (service: FloorService, env: Record<string, string>) => {
      const started = await spawnService({ service: service as never, distDir: dir, env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", ...env } });
      running.push(started);
      urls[service] = `http://127.0.0.1:${started.port}`;
      pids[service] = started.pid;
    };
    await Promise.all([start("users", {}), start("catalog", {})]);
    await start("orders", { USERS_URL: urls.users, REDIS_URL: redisUrl });
    await start("gateway", { CATALOG_URL: urls.catalog, ORDERS_URL: urls.orders, USERS_URL: urls.users });
    return { urls, pids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
