/**
 * The process around a service app, so every services/<name>/<name>-main.ts is a
 * few lines: read and validate the configuration (exit 1 naming the bad
 * variable), make the logger, metrics registry, Redis client and upstream
 * clients the topology allows, build the app, listen on HOST:PORT, log
 * "listening" with the port (the launcher reads it), start background
 * workers, and shut down gracefully on SIGTERM/SIGINT. With an OTLP
 * endpoint configured (tracing-config.ts) it starts tracing first, and
 * exports the spans still queued at shutdown, within TRACE_FLUSH_TIMEOUT_MS.
 */
import { retriesToward } from "../budgets";
import { SERVICES, type ServiceName } from "../topology";
import type { KitOptions, ServiceApp } from "./service-app";
import { BackgroundTasks } from "./background";
import { ConfigError, serviceConfig, type ServiceConfig } from "./service-config";
import { fault, seededRandom, type Fault, type Random } from "./faults";
import type { Lifecycle } from "./health";
import { Upstream, UpstreamMetrics } from "./http-client";
import { createLogger, type Logger } from "./logger";
import { createRegistry } from "./metrics";
import type { RedisClient } from "./redis-client";
import { listen } from "./server";
import { exitOnSignals, shutdown } from "./shutdown";
import { tracingConfig, type TracingConfig } from "./tracing-config";
import type { Tracing } from "./tracing-hooks";

type Env = Readonly<Record<string, string | undefined>>;

/** What a service's main gets to build its app from. */
export interface RunContext {
  readonly config: ServiceConfig;
  /** The raw environment, for the service's own variables (parse with loadEnv). */
  readonly env: Env;
  readonly kit: KitOptions;
  readonly logger: Logger;
  readonly background: BackgroundTasks;
  /** Fault-injection random source (seeded by FAULT_SEED when set). */
  readonly random: Random;
  /** A fault at `rate` drawing from `random`. */
  fault(rate: number): Fault;
  /** The service's Redis client; throws unless the topology gives the service Redis. */
  redis(): RedisClient;
  /**
   * The client for an upstream; throws unless the topology has that edge.
   * `baseUrl` addresses one version of it (cart's payment canary); default: <NAME>_URL.
   */
  upstream(name: ServiceName, baseUrl?: string): Upstream;
}

export interface RunningService {
  readonly app: ServiceApp;
  /** Starts background workers once the server listens. */
  start?(): void;
  /** Stops them on shutdown, before Redis closes. */
  stop?(): Promise<void>;
}

export type BuildService = (context: RunContext) => RunningService | Promise<RunningService>;

/** The Redis client module: loaded only by services the topology gives Redis (see runService). */
export type RedisModule = typeof import("./redis-client");

export function buildContext(
  name: ServiceName,
  env: Env,
  redisModule?: RedisModule,
): { context: RunContext; lifecycle: Lifecycle; redisClient: () => RedisClient | undefined } {
  const config = serviceConfig(name, env);
  const logger = createLogger({ level: config.logLevel, base: { service: config.service, version: config.version } });
  const registry = createRegistry({ service: config.service, version: config.version });
  const lifecycle: Lifecycle = { draining: false };
  const kit: KitOptions = {
    service: config.service,
    version: config.version,
    logger,
    registry,
    bodyLimitBytes: config.bodyLimitBytes,
    lifecycle,
    propagateTrace: SERVICES[name].calls.length > 0,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  const random = config.faultSeed === undefined ? Math.random : seededRandom(config.faultSeed);
  const upstreamMetrics = new UpstreamMetrics(registry);
  const upstreams = new Map<string, Upstream>();
  let redis: RedisClient | undefined;
  const context: RunContext = {
    config,
    env,
    kit,
    logger,
    background: new BackgroundTasks(logger),
    random,
    fault: (rate) => fault(rate, random),
    redis() {
      if (!SERVICES[name].redis) throw new Error(`${name} has no Redis in services/topology.ts`);
      if (!redisModule) throw new Error(`${name}: the Redis client module was not loaded`);
      if (!redis) {
        redis = redisModule.createRedis({ url: config.redisUrl, password: config.redisPassword, timeoutMs: config.redisTimeoutMs, logger, name: config.service });
        redisModule.connectInBackground(redis, logger);
      }
      return redis;
    },
    upstream(upstream, versionUrl) {
      const baseUrl = config.upstreams[upstream];
      if (!baseUrl) throw new Error(`${name} may not call ${upstream}: not an edge of services/topology.ts`);
      const url = versionUrl ?? baseUrl;
      let client = upstreams.get(`${upstream} ${url}`);
      if (!client) {
        client = new Upstream({
          name: upstream,
          baseUrl: url,
          timeoutMs: config.upstreamTimeouts[upstream]!,
          retries: retriesToward(upstream, config.upstreamRetries),
          marginMs: config.hopMarginMs,
          metrics: upstreamMetrics,
        });
        upstreams.set(`${upstream} ${url}`, client);
      }
      return client;
    },
  };
  return { context, lifecycle, redisClient: () => redis };
}

/** Ends a process that cannot start, with one JSON line saying why (the variable, for bad config). */
function refuse(name: ServiceName, err: unknown): never {
  const message = err instanceof ConfigError ? err.message : `cannot start: ${String(err)}`;
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: "error", service: name, msg: message })}\n`);
  process.exit(1);
}

/**
 * The bound on exporting the spans still queued once the service stopped
 * (after SHUTDOWN_TIMEOUT_MS at most): an unreachable collector delays the
 * exit by this much, never more.
 */
export const TRACE_FLUSH_TIMEOUT_MS = 2_000;

/** Runs service `name` as this process's main program. */
export async function runService(name: ServiceName, build: BuildService, env: Env = process.env): Promise<void> {
  // The Redis client is about half of the services' shared code: a service
  // without Redis never loads it (faster start, less memory; bench/RESULTS.md).
  const redisModule = SERVICES[name].redis ? await import("./redis-client.js") : undefined;
  let parts: ReturnType<typeof buildContext>;
  let traces: TracingConfig;
  try {
    parts = buildContext(name, env, redisModule);
    traces = tracingConfig(env, parts.context.config.service);
  } catch (err) {
    refuse(name, err);
  }
  const { context, lifecycle, redisClient } = parts;
  const { logger, config } = context;
  // the OpenTelemetry SDK is loaded only when spans have somewhere to go
  let tracing: Tracing | undefined;
  if (traces.tracesUrl !== undefined) {
    const { startTracing } = await import("./tracing.js");
    tracing = startTracing({ config: { ...traces, tracesUrl: traces.tracesUrl }, version: config.version, edge: SERVICES[name].public, logger });
    logger.info("tracing on", { endpoint: traces.tracesUrl, sampler: traces.sampler, ratio: traces.ratio, service_name: traces.serviceName });
  }
  process.on("uncaughtException", (err) => {
    logger.error("uncaught exception", { err });
    process.exit(1);
  });
  process.on("unhandledRejection", (err) => {
    logger.error("unhandled rejection", { err });
    process.exit(1);
  });
  let running: RunningService;
  try {
    running = await build(context); // the service's own variables are read here
  } catch (err) {
    refuse(name, err);
  }
  const server = await listen(running.app, { host: config.host, port: config.port, timeouts: { receiveMs: config.requestReceiveTimeoutMs } }).catch((err: Error) => {
    logger.error("cannot listen", { host: config.host, port: config.port, err });
    process.exit(1);
  });
  logger.info("listening", { host: config.host, port: server.port, url: server.url });
  running.start?.();
  exitOnSignals(
    async (signal) => {
      const code = await shutdown(
        {
          logger,
          lifecycle,
          timeoutMs: config.shutdownTimeoutMs,
          server,
          background: context.background,
          ...(running.stop ? { stopWorkers: () => running.stop!() } : {}),
          closeStores: async () => {
            const redis = redisClient();
            if (redis && redisModule) await redisModule.closeRedis(redis);
          },
        },
        signal,
      );
      await tracing?.shutdown(TRACE_FLUSH_TIMEOUT_MS);
      return code;
    },
    logger,
  );
}
