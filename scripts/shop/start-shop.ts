/**
 * The whole shop on one machine, no cluster: a redis-server (unless given
 * REDIS_URL) and one process per service from the bundles in dist/, wired by
 * services/topology.ts. `npm start` (scripts/shop.ts) is a thin CLI over
 * `startShop`; the storefront and resilience suites call it directly:
 *
 *   const shop = await startShop({ ports: "free", env: { CATALOG_ERROR_RATE: "0.05" } });
 *   await fetch(`${shop.urls.gateway}/api/products`);
 *   await shop.stop();   // every service drains and exits, then Redis stops
 *
 * Ports: "topology" (5000…5004, 8000, 8001), { offset: n } (each + n),
 * explicit per service, or "free": every service binds port 0 and reports the
 * port it got, and they start in dependency order so each knows its
 * upstreams' URLs — no races with anything else on the machine.
 */
import { join } from "node:path";
import { ENV, SERVICE_NAMES, SERVICES, upstreamUrlEnv, type ServiceName } from "../../services/topology";
import { startReaper } from "./reaper";
import { startRedisServer, type RedisServerProcess } from "./redis-server";
import { spawnService, type ServiceProcess } from "./service-process";

export type PortLayout = "topology" | "free" | { readonly offset: number } | Readonly<Partial<Record<ServiceName, number>>>;

export interface ShopOptions {
  /** Where the bundles are (services/<name>.mjs); <cwd>/dist by default. */
  readonly distDir?: string;
  readonly ports?: PortLayout;
  /** Address every service listens on; 127.0.0.1 by default (not reachable from the network). */
  readonly host?: string;
  /** An existing Redis; when unset the shop starts its own, without persistence. */
  readonly redisUrl?: string;
  readonly redisPassword?: string;
  /** payment's SERVICE_VERSION: "v1" (default) or "v2". */
  readonly paymentVersion?: string;
  /** Extra variables for every service: fault rates, LOG_LEVEL, timeouts… */
  readonly env?: Readonly<Record<string, string>>;
  /** Every line a service (or the launcher's Redis) writes; dropped by default. */
  readonly onLog?: (source: ServiceName, line: string) => void;
  /** How long to wait for every /readyz. */
  readonly readyTimeoutMs?: number;
}

export interface ExitReport {
  readonly service: ServiceName | "redis";
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Shop {
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly ports: Readonly<Record<ServiceName, number>>;
  readonly pids: Readonly<Record<ServiceName, number>>;
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

/** The port each service is told to bind (0: any free one). */
export function portsFor(layout: PortLayout): Record<ServiceName, number> {
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICE_NAMES) {
    if (layout === "topology") ports[name] = SERVICES[name].port;
    else if (layout === "free") ports[name] = 0;
    else if ("offset" in layout && typeof layout.offset === "number") ports[name] = SERVICES[name].port + layout.offset;
    else ports[name] = (layout as Partial<Record<ServiceName, number>>)[name] ?? 0;
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
  const processes = new Map<ServiceName, ServiceProcess>();
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
      [...processes.values()].map(async (p) => {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
        const force = setTimeout(() => p.child.kill("SIGKILL"), 15_000);
        const { code, signal } = await p.exited;
        clearTimeout(force);
        return { service: p.service, code, signal } as ExitReport;
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
    if (!redisUrl) {
      redisServer = await startRedisServer({ host: "127.0.0.1", detached: true });
      redisUrl = redisServer.url;
      reaper.watch(redisServer.pid);
      void redisServer.exited.then(({ code, signal }) => {
        if (!stopping) reportExit({ service: "redis", code, signal });
      });
    }
    const urls = {} as Record<ServiceName, string>;
    const ports = {} as Record<ServiceName, number>;
    const urlHost = host === "0.0.0.0" ? "127.0.0.1" : host;
    const known = SERVICE_NAMES.every((name) => wanted[name] !== 0);
    if (known) for (const name of SERVICE_NAMES) urls[name] = `http://${urlHost}:${wanted[name]}`;
    const base = inheritedEnv();
    const envFor = (name: ServiceName): NodeJS.ProcessEnv => {
      const env: NodeJS.ProcessEnv = {
        ...base,
        ...options.env,
        [ENV.service]: name,
        [ENV.port]: String(wanted[name]),
        [ENV.host]: host,
        [ENV.version]: name === "payment" ? (options.paymentVersion ?? "v1") : "v1",
      };
      if (SERVICES[name].redis) {
        env[ENV.redisUrl] = redisUrl;
        if (options.redisPassword) env[ENV.redisPassword] = options.redisPassword;
      }
      for (const upstream of SERVICES[name].calls) env[upstreamUrlEnv(upstream)] = urls[upstream];
      return env;
    };
    // Known ports: everyone at once. Free ports: a level at a time, so upstream URLs are known.
    for (const level of known ? [SERVICE_NAMES.slice()] : startLevels()) {
      await Promise.all(
        level.map(async (name) => {
          const started = await spawnService({ service: name, distDir, env: envFor(name), onLine: (line) => options.onLog?.(name, line) });
          processes.set(name, started);
          reaper.watch(started.pid);
          ports[name] = started.port;
          urls[name] = `http://${urlHost}:${started.port}`;
          void started.exited.then(({ code, signal }) => {
            if (!stopping) reportExit({ service: name, code, signal });
          });
        }),
      );
    }
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    await Promise.race([
      Promise.all(SERVICE_NAMES.map((name) => waitReady(urls[name], deadline))),
      unexpectedExit.then(({ service, code, signal }) => {
        throw new Error(`${service} exited (${signal ?? `code ${code}`}) while the shop was starting`);
      }),
    ]);
    const pids = Object.fromEntries([...processes].map(([name, p]) => [name, p.pid])) as Record<ServiceName, number>;
    return { urls, ports, pids, redis: { url: redisUrl, pid: redisServer?.pid }, unexpectedExit, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
