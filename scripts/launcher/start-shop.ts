/**
 * The whole shop on one machine, no cluster: a redis-server (unless given
 * REDIS_URL) and one process per service from the bundles in dist/, wired by
 * services/topology.ts. `npm start` (scripts/launcher.ts) is a thin CLI over
 * `startShop`; the storefront and resilience suites call it directly:
 *
 *   const shop = await startShop({ ports: "free", env: { CATALOG_ERROR_RATE: "0.05" } });
 *   await fetch(`${shop.urls.gateway}/api/products`);
 *   await shop.stop();   // every service drains and exits, then Redis stops
 *
 * payment runs as its two versions, side by side on one Redis: v1 (the
 * "payment" process) and v2 ("payment-v2"), and cart splits charges between
 * them per request by `canaryWeight`, as it does in the dev stack.
 *
 * Ports: "topology" (5000…5004, 8000, 8001; payment-v2 5005), { offset: n } (each + n),
 * explicit per service, or "free": every service binds port 0 and reports the
 * port it got, and they start in dependency order so each knows its
 * upstreams' URLs — no races with anything else on the machine.
 */
import { join } from "node:path";
import { ENV, SERVICE_NAMES, SERVICES, upstreamUrlEnv, type ServiceName } from "../../services/topology";
import { canaryWeightOf, displayName, PAYMENT_V2_PORT, processesOf, SHOP_PROCESSES, type ShopProcess } from "./launcher-processes";
import { startReaper } from "./reaper";
import type { RedisServiceUser } from "../../services/redis-acl";
import { newRedisPasswords, startRedisServer, type RedisServerProcess } from "./redis-server";
import { spawnService, type ServiceProcess } from "./service-process";

export type PortLayout = "topology" | "free" | { readonly offset: number } | Readonly<Partial<Record<ShopProcess, number>>>;

export interface ShopOptions {
  /** Where the bundles are (services/<name>.mjs); <cwd>/dist by default. */
  readonly distDir?: string;
  readonly ports?: PortLayout;
  /** Address every service listens on; 127.0.0.1 by default (not reachable from the network). */
  readonly host?: string;
  /** An existing Redis; when unset the shop starts its own, without persistence. */
  readonly redisUrl?: string;
  readonly redisPassword?: string;
  /** Every payment to one version: "v1" (canaryWeight 0) or "v2" (100). Not with canaryWeight. */
  readonly paymentVersion?: string;
  /**
   * Percent (0-100) of payments cart sends to payment-v2, drawn per charge.
   * Unset: 0, every payment to v1, so a test's runs are alike (npm start passes 5, the dev stack's).
   */
  readonly canaryWeight?: number;
  /** Extra variables for every service: fault rates, LOG_LEVEL, timeouts… */
  readonly env?: Readonly<Record<string, string>>;
  /** Every line a service (or the launcher's Redis) writes; dropped by default. */
  readonly onLog?: (source: ServiceName, line: string) => void;
  /** How long to wait for every /readyz. */
  readonly readyTimeoutMs?: number;
}

export interface ExitReport {
  readonly service: ShopProcess | "redis";
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Shop {
  /** Per process; "payment" is payment v1's, "payment-v2" v2's. */
  readonly urls: Readonly<Record<ShopProcess, string>>;
  readonly ports: Readonly<Record<ShopProcess, number>>;
  readonly pids: Readonly<Record<ShopProcess, number>>;
  /** Percent of payments cart sends to payment-v2. */
  readonly canaryWeight: number;
  readonly redis: { readonly url: string; readonly pid: number | undefined };
  /** Settles when a process exits while the shop is meant to run. */
  readonly unexpectedExit: Promise<ExitReport>;
  /** SIGTERM to every service (each drains), then Redis if the shop started it; resolves with how each exited. */
  stop(): Promise<ExitReport[]>;
}

/** Variables the launcher sets itself; inherited values of these are dropped. */
const MANAGED = new Set<string>([...Object.values(ENV), ...SERVICE_NAMES.map(upstreamUrlEnv)]);

/** Start order: a service after the ones it calls. */
export function startLevels(): ServiceName[][] {
  const level = new Map<ServiceName, number>();
  const of = (name: ServiceName): number => {
    if (!level.has(name)) level.set(name, SERVICES[name].calls.reduce((max, upstream) => Math.max(max, of(upstream) + 1), 0));
    return level.get(name)!;
  };
  const levels: ServiceName[][] = [];
  for (const name of SERVICE_NAMES) (levels[of(name)] ??= []).push(name);
  return levels;
}

/** The port each process is told to bind (0: any free one). */
export function portsFor(layout: PortLayout): Record<ShopProcess, number> {
  const ports = {} as Record<ShopProcess, number>;
  const topologyPort = (name: ShopProcess) => (name === "payment-v2" ? PAYMENT_V2_PORT : SERVICES[name].port);
  for (const name of SHOP_PROCESSES) {
    if (layout === "topology") ports[name] = topologyPort(name);
    else if (layout === "free") ports[name] = 0;
    else if ("offset" in layout && typeof layout.offset === "number") ports[name] = topologyPort(name) + layout.offset;
    else ports[name] = (layout as Partial<Record<ShopProcess, number>>)[name] ?? 0;
  }
  return ports;
}

function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !MANAGED.has(key) && !key.startsWith("SHOP_")));
}

/** Polls `url`/readyz until it answers 200; throws, with the last answer, at `deadline` (epoch ms). */
export async function waitReady(url: string, deadline: number): Promise<void> {
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url}/readyz never answered 200 (last: ${last})`);
}

export async function startShop(options: ShopOptions = {}): Promise<Shop> {
  const distDir = options.distDir ?? join(process.cwd(), "dist");
  const host = options.host ?? "127.0.0.1";
  const wanted = portsFor(options.ports ?? "topology");
  const canaryWeight = canaryWeightOf(options, 0);
  const processes = new Map<ShopProcess, ServiceProcess>();
  let redisServer: RedisServerProcess | undefined;
  let stopping = false;
  let reportExit!: (report: ExitReport) => void;
  const unexpectedExit = new Promise<ExitReport>((resolve) => (reportExit = resolve));
  // stops everything if this process dies without running any handler (SIGKILL); see reaper.ts
  const reaper = startReaper();
  const killAll = () => {
    for (const p of processes.values()) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    redisServer?.stopSync();
    reaper.release();
  };
  process.on("exit", killAll); // last resort: never leave children behind

  const stop = async (): Promise<ExitReport[]> => {
    stopping = true;
    const reports = await Promise.all(
      [...processes].map(async ([name, p]) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
        const force = setTimeout(() => p.child.kill("SIGKILL"), 15_000);
        const { code, signal } = await p.exited;
        clearTimeout(force);
        return { service: name, code, signal } as ExitReport;
      }),
    );
    if (redisServer) {
      await redisServer.stop("SIGTERM");
      const { code, signal } = await redisServer.exited;
      reports.push({ service: "redis", code, signal });
    }
    process.off("exit", killAll);
    reaper.release();
    return reports;
  };

  try {
    let redisUrl = options.redisUrl;
    // our own Redis runs the cluster's ACL users; each service connects as its own (services/redis-acl.ts)
    const passwords = redisUrl ? undefined : newRedisPasswords();
    if (!redisUrl) {
      redisServer = await startRedisServer({ host: "127.0.0.1", detached: true, ...(passwords ? { acl: { passwords } } : {}) });
      redisUrl = redisServer.url;
      reaper.watch(redisServer.pid);
      void redisServer.exited.then(({ code, signal }) => {
        if (!stopping) reportExit({ service: "redis", code, signal });
      });
    }
    const urls = {} as Record<ShopProcess, string>;
    const ports = {} as Record<ShopProcess, number>;
    const urlHost = host === "0.0.0.0" ? "127.0.0.1" : host;
    const known = SHOP_PROCESSES.every((name) => wanted[name] !== 0);
    if (known) for (const name of SHOP_PROCESSES) urls[name] = `http://${urlHost}:${wanted[name]}`;
    const base = inheritedEnv();
    const envFor = (name: ServiceName, process: ShopProcess, version: string): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...base,
        ...options.env,
        [ENV.service]: name,
        [ENV.port]: String(wanted[process]),
        [ENV.host]: host,
        [ENV.version]: version,
      };
      if (SERVICES[name].redis && passwords) {
        env[ENV.redisUrl] = redisUrl.replace("://", `://${name}@`);
        env[ENV.redisPassword] = passwords[name as RedisServiceUser];
      } else if (SERVICES[name].redis) {
        env[ENV.redisUrl] = redisUrl;
        if (options.redisPassword) env[ENV.redisPassword] = options.redisPassword;
      }
      for (const upstream of SERVICES[name].calls) env[upstreamUrlEnv(upstream)] = urls[upstream];
      if (SERVICES[name].calls.includes("payment")) {
        // cart splits payments between the versions per charge, as in the dev stack
        env[ENV.paymentV1Url] = urls.payment;
        env[ENV.paymentV2Url] = urls["payment-v2"];
        env[ENV.paymentCanaryWeight] = String(canaryWeight);
      }
      return env;
    };
    // Known ports: everyone at once. Free ports: a level at a time, so upstream URLs are known.
    for (const level of known ? [SERVICE_NAMES.slice()] : startLevels()) {
      await Promise.all(
        level.flatMap((name) =>
          processesOf(name).map(async ({ process, version }) => {
            const started = await spawnService({ service: name, distDir, env: envFor(name, process, version), onLine: (line) => options.onLog?.(name, line) });
            processes.set(process, started);
            reaper.watch(started.pid);
            ports[process] = started.port;
            urls[process] = `http://${urlHost}:${started.port}`;
            void started.exited.then(({ code, signal }) => {
              if (!stopping) reportExit({ service: process, code, signal });
            });
          }),
        ),
      );
    }
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    await Promise.race([
      Promise.all(SHOP_PROCESSES.map((name) => waitReady(urls[name], deadline))),
      unexpectedExit.then(({ service, code, signal }) => {
        throw new Error(`${service === "redis" ? service : displayName(service)} exited (${signal ?? `code ${code}`}) while the shop was starting`);
      }),
    ]);
    const pids = Object.fromEntries([...processes].map(([name, p]) => [name, p.pid])) as Record<ShopProcess, number>;
    return { urls, ports, pids, canaryWeight, redis: { url: redisUrl, pid: redisServer?.pid }, unexpectedExit, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
