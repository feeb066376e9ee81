/**
 * `npm start`: the whole shop on this machine (see scripts/launcher/start-shop.ts).
 *
 *   REDIS_URL, REDIS_PASSWORD   use that Redis instead of starting a redis-server
 *   PAYMENT_CANARY_WEIGHT=20    percent of payments cart sends to payment-v2 (default 5, as the dev stack)
 *   PAYMENT_VERSION=v2          every payment to payment-v2 (v1: every payment to payment-v1)
 *   SHOP_PORTS=free             every service on a free port (printed)
 *   SHOP_PORT_OFFSET=1000       every port of the topology + 1000
 *   SHOP_HOST=0.0.0.0           listen on every interface (default 127.0.0.1)
 *   SHOP_LOGS=all               print every service log line (default: warnings and errors)
 *   CATALOG_ERROR_RATE, PAYMENT_DECLINE_RATE, PAYMENT_TIMEOUT_RATE, PAYMENT_TIMEOUT_DELAY_MS,
 *   FAULT_SEED, LOG_LEVEL, UPSTREAM_TIMEOUT_MS, UPSTREAM_RETRIES, BODY_LIMIT_BYTES,
 *   SHUTDOWN_TIMEOUT_MS, REDIS_TIMEOUT_MS   passed to the services
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318   spans to that OTLP/HTTP collector (Jaeger…);
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG, OTEL_SDK_DISABLED
 *                               passed to the services too (each names its own spans: no OTEL_SERVICE_NAME)
 *
 * payment runs as two processes, payment-v1 and payment-v2, and cart splits
 * charges between them per request, as it does in the dev stack.
 *
 * Ctrl-C or SIGTERM stops every service (each drains), then Redis; a service
 * that dies on its own stops the rest too, with a non-zero exit. If this
 * process is killed outright, its reaper (shop/reaper.ts) stops them.
 */
import { realpathSync } from "node:fs";
import { dirname } from "node:path";
import { ENV } from "../services/topology";
import { canaryWeightOf, DEFAULT_CANARY_WEIGHT, displayName, SHOP_PROCESSES } from "./launcher/launcher-processes";
import { RedisServerMissingError } from "./launcher/redis-server";
import { startShop, type PortLayout, type Shop } from "./launcher/start-shop";

const FORWARDED = [
  ENV.catalogErrorRate,
  ENV.paymentDeclineRate,
  ENV.paymentTimeoutRate,
  ENV.paymentTimeoutDelayMs,
  ENV.faultSeed,
  ENV.logLevel,
  ENV.upstreamTimeoutMs,
  ENV.upstreamRetries,
  ENV.bodyLimitBytes,
  ENV.shutdownTimeoutMs,
  ENV.redisTimeoutMs,
  ENV.otelEndpoint,
  ENV.otelTracesEndpoint,
  ENV.otelTracesSampler,
  ENV.otelTracesSamplerArg,
  ENV.otelSdkDisabled,
];

function fail(message: string): never {
  process.stderr.write(`meshmart: ${message}\n`);
  process.exit(1);
}

function portLayout(env: NodeJS.ProcessEnv): PortLayout {
  if (env.SHOP_PORTS === "free") return "free";
  if (env.SHOP_PORTS !== undefined && env.SHOP_PORTS !== "topology") fail(`SHOP_PORTS must be "free" or "topology"; got ${JSON.stringify(env.SHOP_PORTS)}`);
  if (env.SHOP_PORT_OFFSET !== undefined) {
    const offset = Number(env.SHOP_PORT_OFFSET);
    if (!/^-?\d+$/.test(env.SHOP_PORT_OFFSET) || offset < -5000 || offset > 57_000) fail(`SHOP_PORT_OFFSET must be a whole number between -5000 and 57000; got ${JSON.stringify(env.SHOP_PORT_OFFSET)}`);
    return { offset };
  }
  return "topology";
}

/** Service log lines worth showing by default: warnings, errors, and anything that is not JSON. */
function interesting(line: string): boolean {
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return level === "warn" || level === "error";
  } catch {
    return true;
  }
}

function banner(shop: Shop): string {
  const rows = SHOP_PROCESSES.map((name) => `  ${displayName(name).padEnd(14)} ${shop.urls[name].padEnd(24)} pid ${shop.pids[name]}`);
  const redis = shop.redis.pid === undefined ? `  ${"redis".padEnd(14)} ${shop.redis.url}` : `  ${"redis".padEnd(14)} ${shop.redis.url.padEnd(24)} pid ${shop.redis.pid} (started by the launcher, no persistence)`;
  return [
    "meshmart is up:",
    ...rows,
    redis,
    `cart sends ${shop.canaryWeight}% of payments to payment-v2, chosen per charge (PAYMENT_CANARY_WEIGHT).`,
    "Try:",
    `  curl ${shop.urls.users}/users/1`,
    `  curl ${shop.urls.orders}/orders/1`,
    `  curl -X POST ${shop.urls.gateway}/api/cart/user123/add -H 'content-type: application/json' -d '{"product_id":"1","quantity":2}'`,
    `  open ${shop.urls.gateway}/`,
    "Ctrl-C stops everything.",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const env = process.env;
  const rawWeight = env[ENV.paymentCanaryWeight];
  let canaryWeight: number;
  try {
    const requested = rawWeight === undefined ? undefined : /^\d{1,3}$/.test(rawWeight.trim()) ? Number(rawWeight) : Number.NaN;
    canaryWeight = canaryWeightOf({ paymentVersion: env.PAYMENT_VERSION, canaryWeight: requested }, DEFAULT_CANARY_WEIGHT);
  } catch (err) {
    const message = (err as Error).message;
    fail(message.startsWith("PAYMENT_CANARY_WEIGHT must") ? `PAYMENT_CANARY_WEIGHT must be a whole percent 0-100; got ${JSON.stringify(rawWeight)}` : message);
  }
  const showAll = env.SHOP_LOGS === "all";
  const forwarded = Object.fromEntries(FORWARDED.flatMap((name) => (env[name] !== undefined ? [[name, env[name]!]] : [])));
  process.stdout.on("error", () => undefined); // a closed pipe must not kill the launcher
  process.stdout.write(`meshmart: starting ${env.REDIS_URL ? "" : "redis-server and "}${SHOP_PROCESSES.length} service processes…\n`);

  let shop: Shop;
  try {
    shop = await startShop({
      distDir: dirname(realpathSync(process.argv[1]!)),
      ports: portLayout(env),
      host: env.SHOP_HOST ?? "127.0.0.1",
      ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
      ...(env.REDIS_PASSWORD && env.REDIS_URL ? { redisPassword: env.REDIS_PASSWORD } : {}),
      canaryWeight,
      env: forwarded,
      onLog: (service, line) => {
        if (showAll || interesting(line)) process.stdout.write(`${service.padEnd(14)}| ${line}\n`);
      },
    });
  } catch (err) {
    fail(err instanceof RedisServerMissingError ? err.message : `could not start the shop: ${(err as Error).message}`);
  }
  process.stdout.write(banner(shop));

  let stopping = false;
  const stopAndExit = async (why: string, failed: boolean) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`meshmart: ${why}; stopping every service, then Redis…\n`);
    const reports = await shop.stop();
    const unclean = reports.filter((r) => r.service !== "redis" && r.code !== 0);
    for (const r of unclean) process.stderr.write(`meshmart: ${r.service === "redis" ? r.service : displayName(r.service)} exited with ${r.signal ?? `code ${r.code}`}\n`);
    process.stdout.write(`meshmart: stopped (${reports.length} processes, ${unclean.length ? `${unclean.length} not cleanly` : "all cleanly"})\n`);
    process.exit(failed || unclean.length ? 1 : 0);
  };
  process.on("SIGINT", () => void stopAndExit("SIGINT", false));
  process.on("SIGTERM", () => void stopAndExit("SIGTERM", false));
  void shop.unexpectedExit.then(({ service: process_, code, signal }) => {
    const service = process_ === "redis" ? process_ : displayName(process_);
    process.stderr.write(`meshmart: ${service} exited unexpectedly (${signal ?? `code ${code}`})\n`);
    void stopAndExit(`${service} died`, true);
  });
}

void main();
