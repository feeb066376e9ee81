/**
 * Configuration from the environment, validated with zod and failing fast
 * with the variable's name (`UPSTREAM_RETRIES must be 0 or 1; got "3"`). The
 * variable names come from services/topology.ts, the contract the Pulumi
 * program and the launcher also set.
 */
import { z } from "zod";
import { hopMarginMs, timeBudgets } from "../budgets";
import { ENV, SERVICES, upstreamTimeoutEnv, upstreamUrlEnv, type ServiceName } from "../topology";
import { LOG_LEVELS, type LogLevel } from "./logger";
import { redactUrls } from "./redact";

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses `env` with `schema`; a failure names every bad variable (secrets, and the credentials of URLs, redacted). */
export function loadEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "?");
    const raw = env[key];
    const got = raw === undefined ? "it is not set" : /PASSWORD|SECRET|TOKEN/i.test(key) ? "got <redacted>" : `got ${JSON.stringify(redactUrls(raw))}`;
    return `${key}: ${issue.message}; ${got}`;
  });
  throw new ConfigError(problems);
}

/** Field builders for env values (strings in, typed values out). */
export const envField = {
  int: (min: number, max: number) =>
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, { message: "must be a whole number" })
      .transform(Number)
      .pipe(z.number().int().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` })),
  /** A probability between 0 and 1, e.g. an injected fault rate. */
  rate: () =>
    z
      .string()
      .trim()
      .regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, { message: "must be a number between 0 and 1" })
      .transform(Number),
  httpUrl: () =>
    z
      .string()
      .trim()
      .url({ message: "must be an http(s) URL" })
      .refine((value) => /^https?:\/\//.test(value), { message: "must be an http(s) URL" })
      .transform((value) => value.replace(/\/+$/, "")),
  redisUrl: () =>
    z
      .string()
      .trim()
      .url({ message: "must be a redis:// URL" })
      .refine((value) => /^rediss?:\/\//.test(value), { message: "must be a redis:// or rediss:// URL" }),
};

export interface ServiceConfig {
  readonly service: string;
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  readonly shutdownTimeoutMs: number;
  /** The leaf budget every timeout derives from (services/budgets.ts). */
  readonly upstreamTimeoutMs: number;
  /** Each upstream's call timeout: <NAME>_CALL_TIMEOUT_MS, else derived from the leaf budget. */
  readonly upstreamTimeouts: Readonly<Partial<Record<ServiceName, number>>>;
  /** The longest a request may take (REQUEST_TIMEOUT_MS, else derived): its deadline's cap. */
  readonly requestTimeoutMs: number;
  /** How long a client may take to send a whole request (REQUEST_RECEIVE_TIMEOUT_MS): 408 beyond. */
  readonly requestReceiveTimeoutMs: number;
  /** What each hop keeps back from the time left (derived from the leaf budget). */
  readonly hopMarginMs: number;
  readonly upstreamRetries: 0 | 1;
  readonly redisUrl: string;
  readonly redisPassword: string | undefined;
  readonly redisTimeoutMs: number;
  /** Seed for the fault-injection random source; unseeded (Math.random) when unset. */
  readonly faultSeed: number | undefined;
  /** Base URL of every upstream this service calls (and only those). */
  readonly upstreams: Readonly<Partial<Record<ServiceName, string>>>;
}

/** Defaults for running on one machine: the topology's ports on loopback. */
export const DEFAULTS = {
  host: "0.0.0.0",
  version: "v1",
  logLevel: "info" as LogLevel,
  bodyLimitBytes: 16 * 1024,
  shutdownTimeoutMs: 10_000,
  upstreamTimeoutMs: 2_000,
  upstreamRetries: 1 as 0 | 1,
  redisUrl: "redis://127.0.0.1:6379",
  redisTimeoutMs: 2_000,
  requestReceiveTimeoutMs: 10_000,
} as const;

function schemaFor(name: ServiceName) {
  const upstreams = Object.fromEntries(
    SERVICES[name].calls.flatMap((upstream) => [
      [upstreamUrlEnv(upstream), envField.httpUrl().default(`http://127.0.0.1:${SERVICES[upstream].port}`)],
      [upstreamTimeoutEnv(upstream), envField.int(1, 600_000).optional()],
    ]),
  );
  return z.object({
    [ENV.port]: envField.int(0, 65_535).default(SERVICES[name].port),
    [ENV.host]: z.string().trim().min(1).default(DEFAULTS.host),
    [ENV.service]: z.string().trim().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: "must be a lowercase name" }).default(name),
    [ENV.version]: z.string().trim().regex(/^v\d+$/, { message: 'must look like "v1"' }).default(DEFAULTS.version),
    [ENV.logLevel]: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}` }).default(DEFAULTS.logLevel),
    [ENV.bodyLimitBytes]: envField.int(64, 10 * 1024 * 1024).default(DEFAULTS.bodyLimitBytes),
    [ENV.shutdownTimeoutMs]: envField.int(0, 300_000).default(DEFAULTS.shutdownTimeoutMs),
    [ENV.upstreamTimeoutMs]: envField.int(100, 120_000).default(DEFAULTS.upstreamTimeoutMs),
    [ENV.requestTimeoutMs]: envField.int(1, 600_000).optional(),
    [ENV.requestReceiveTimeoutMs]: envField.int(1, 600_000).default(DEFAULTS.requestReceiveTimeoutMs),
    [ENV.upstreamRetries]: z.enum(["0", "1"], { message: "must be 0 or 1" }).default("1"),
    [ENV.redisUrl]: envField.redisUrl().default(DEFAULTS.redisUrl),
    [ENV.redisPassword]: z.string().optional(),
    [ENV.redisTimeoutMs]: envField.int(50, 60_000).default(DEFAULTS.redisTimeoutMs),
    [ENV.faultSeed]: envField.int(0, 2 ** 32 - 1).optional(),
    ...upstreams,
  });
}

/** The configuration every service shares, for service `name`, from `env`. */
export function serviceConfig(name: ServiceName, env: Env): ServiceConfig {
  const raw = loadEnv(schemaFor(name), env) as Record<string, unknown>;
  const leafMs = raw[ENV.upstreamTimeoutMs] as number;
  const budgets = timeBudgets(leafMs);
  const upstreams: Partial<Record<ServiceName, string>> = {};
  const upstreamTimeouts: Partial<Record<ServiceName, number>> = {};
  for (const upstream of SERVICES[name].calls) {
    upstreams[upstream] = raw[upstreamUrlEnv(upstream)] as string;
    upstreamTimeouts[upstream] = (raw[upstreamTimeoutEnv(upstream)] as number | undefined) ?? budgets.callMs[upstream];
  }
  return {
    service: raw[ENV.service] as string,
    version: raw[ENV.version] as string,
    host: raw[ENV.host] as string,
    port: raw[ENV.port] as number,
    logLevel: raw[ENV.logLevel] as LogLevel,
    bodyLimitBytes: raw[ENV.bodyLimitBytes] as number,
    shutdownTimeoutMs: raw[ENV.shutdownTimeoutMs] as number,
    upstreamTimeoutMs: leafMs,
    upstreamTimeouts,
    requestTimeoutMs: (raw[ENV.requestTimeoutMs] as number | undefined) ?? budgets.requestMs[name],
    requestReceiveTimeoutMs: raw[ENV.requestReceiveTimeoutMs] as number,
    hopMarginMs: hopMarginMs(leafMs),
    upstreamRetries: raw[ENV.upstreamRetries] === "0" ? 0 : 1,
    redisUrl: raw[ENV.redisUrl] as string,
    redisPassword: (raw[ENV.redisPassword] as string | undefined) || undefined,
    redisTimeoutMs: raw[ENV.redisTimeoutMs] as number,
    faultSeed: raw[ENV.faultSeed] as number | undefined,
    upstreams,
  };
}
