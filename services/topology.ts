/**
 * The shop's topology: every service, its port, which services it calls and
 * whether it keeps state in Redis. This is the contract the services, the local
 * launcher and the Pulumi program all read, so the shop's authorization graph
 * is written down exactly once (as `calls`) and derived everywhere
 * else. Pure data, no imports: infra may import it, it imports nothing.
 */

export const SERVICE_NAMES = [
  "gateway",
  "users",
  "orders",
  "catalog",
  "cart",
  "payment",
  "notifications",
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A service's Redis rights: glob key patterns, and commands (lowercase; `parent|sub` for one subcommand). */
export interface RedisAccess {
  readonly keys: readonly string[];
  readonly commands: readonly string[];
}

export interface ServiceSpec {
  /** Port the service listens on (0.0.0.0:$PORT), from the source documents. */
  readonly port: number;
  /** Services this one calls over HTTP; every edge of the authorization graph. */
  readonly calls: readonly ServiceName[];
  /**
   * What the service may do in Redis, or false when it keeps no state there
   * (and so may not reach it): its own ACL user's key patterns and the
   * commands its code sends, Lua scripts' commands included (least
   * privilege, services/redis-acl.ts adds the client handshake and the
   * script commands every user needs).
   */
  readonly redis: RedisAccess | false;
  /** Versions deployed side by side (payment's canary); others run one. */
  readonly versions: readonly string[];
  /** Whether the ingress routes to it (only the gateway faces the outside). */
  readonly public: boolean;
  /**
   * What one request to it waits for, in order (its timeout budget derives
   * from this, services/budgets.ts). A step's upstreams are called at once
   * (cart prices every line in parallel) or one of them is (the gateway
   * proxies to one), so a step lasts as long as its slowest call. Background
   * calls (cart and payment telling notifications) are waited for by nobody,
   * so they are in `calls` but in no step.
   */
  readonly waits: readonly (readonly ServiceName[])[];
}

/** The services the gateway proxies the public API to (services/gateway/public-api.ts is typed by it). */
export const GATEWAY_UPSTREAMS = ["catalog", "cart", "orders", "users"] as const satisfies readonly ServiceName[];

/** The table as written (its literal types name the services with Redis, below); read it as SERVICES. */
const SERVICE_TABLE = {
  gateway: { port: 5000, calls: GATEWAY_UPSTREAMS, redis: false, versions: ["v1"], public: true, waits: [GATEWAY_UPSTREAMS] },
  users: { port: 8000, calls: [], redis: false, versions: ["v1"], public: false, waits: [] },
  orders: {
    port: 8001,
    calls: ["users"],
    // services/orders/orders-store.ts: orders, their index and idempotency records, the events stream (append only)
    redis: { keys: ["orders", "orders:*", "events"], commands: ["get", "set", "incr", "hget", "hmget", "hset", "hsetnx", "zadd", "zrange", "xadd"] },
    versions: ["v1"],
    public: false,
    waits: [["users"]],
  },
  catalog: { port: 5001, calls: [], redis: false, versions: ["v1"], public: false, waits: [] },
  cart: {
    port: 5002,
    calls: ["catalog", "payment", "orders", "notifications"],
    // services/cart/cart-store.ts
    redis: { keys: ["cart:*"], commands: ["get", "set", "del", "exists", "incr", "hget", "hgetall", "hlen", "hincrby", "hdel", "hexists", "pexpire", "pexpireat", "pexpiretime"] },
    versions: ["v1"],
    public: false,
    waits: [["catalog"], ["payment"], ["orders"]],
  },
  payment: {
    port: 5003,
    calls: ["notifications"],
    // services/payment/payment-store.ts: idempotency records and the ledger
    redis: { keys: ["payment:*", "payments"], commands: ["get", "set", "del", "hset", "multi", "exec"] },
    versions: ["v1", "v2"],
    public: false,
    waits: [],
  },
  notifications: {
    port: 5004,
    calls: [],
    // services/notifications/notifications-store.ts, consumer.ts and lag.ts: its lists and dedupe records, the events stream (consumer group, its lag)
    redis: { keys: ["notifications:*", "events"], commands: ["get", "set", "lpush", "ltrim", "lrange", "xgroup|create", "xreadgroup", "xautoclaim", "xack", "xinfo|groups"] },
    versions: ["v1"],
    public: false,
    waits: [],
  },
} as const satisfies { readonly [N in ServiceName]: ServiceSpec };

export const SERVICES: { readonly [N in ServiceName]: ServiceSpec } = SERVICE_TABLE;

/** The services that keep state in Redis, each its own ACL user (services/redis-acl.ts). */
export type RedisServiceName = { [N in ServiceName]: (typeof SERVICE_TABLE)[N]["redis"] extends false ? never : N }[ServiceName];

/** Redis's port, in the cluster and as the local default. */
export const REDIS_PORT = 6379;

/**
 * Environment variables the services read. The Pulumi program sets exactly
 * these on the Deployments; the local launcher sets them on the processes.
 */
export const ENV = {
  /** Port to listen on. */
  port: "PORT",
  /** Service name, for logs and the metrics' `service` label. */
  service: "SERVICE_NAME",
  /** Deployed version ("v1", "v2"): payment reports it in every answer. */
  version: "SERVICE_VERSION",
  /** redis://host:port (no password in it). */
  redisUrl: "REDIS_URL",
  /** Redis password, from a Secret in the cluster; optional locally. */
  redisPassword: "REDIS_PASSWORD",
  /**
   * The leaf budget T, in milliseconds: the timeout of a call to a service that
   * waits on nobody; every other timeout derives from it (services/budgets.ts).
   */
  upstreamTimeoutMs: "UPSTREAM_TIMEOUT_MS",
  /** Retries of idempotent GETs toward a leaf (a service calling nobody): 1 without a mesh, 0 where the mesh retries. */
  upstreamRetries: "UPSTREAM_RETRIES",
  /** Largest accepted request body, in bytes (413 beyond). */
  bodyLimitBytes: "BODY_LIMIT_BYTES",
  /** How long SIGTERM waits for in-flight requests, in milliseconds. */
  shutdownTimeoutMs: "SHUTDOWN_TIMEOUT_MS",
  /** Log level: debug, info, warn, error. */
  logLevel: "LOG_LEVEL",
  /** Injected faults (0..1), off unless set. */
  catalogErrorRate: "CATALOG_ERROR_RATE",
  paymentDeclineRate: "PAYMENT_DECLINE_RATE",
  paymentTimeoutRate: "PAYMENT_TIMEOUT_RATE",
  // Added with the services (additive; all optional with safe defaults):
  /** Address to listen on; 0.0.0.0 by default (the launcher uses 127.0.0.1). */
  host: "HOST",
  /** Bound on every Redis round trip, in milliseconds (a hung Redis becomes 503). */
  redisTimeoutMs: "REDIS_TIMEOUT_MS",
  /** How long an injected payment timeout holds the answer, in milliseconds. */
  paymentTimeoutDelayMs: "PAYMENT_TIMEOUT_DELAY_MS",
  /** Seed for the fault-injection random source, for reproducible fault runs. */
  faultSeed: "FAULT_SEED",
  /** The longest a request to this service may take, in ms: the cap on a caller's x-request-timeout-ms. */
  requestTimeoutMs: "REQUEST_TIMEOUT_MS",
  /** The longest a client may take to send a whole request (head and body), in ms: a slower one gets a 408 (10 000 by default). */
  requestReceiveTimeoutMs: "REQUEST_RECEIVE_TIMEOUT_MS",
  // cart's own split of payments between versions (dev stack, local shop); all three or none:
  /** payment v1's own URL (its per-version Service, or process). */
  paymentV1Url: "PAYMENT_V1_URL",
  /** payment v2's own URL. */
  paymentV2Url: "PAYMENT_V2_URL",
  /** Percent (0-100) of charges cart sends to PAYMENT_V2_URL, drawn per charge; unset: all to PAYMENT_URL. */
  paymentCanaryWeight: "PAYMENT_CANARY_WEIGHT",
  /** cart: seconds a cart lives without a change (7 days by default, services/retention.ts). */
  cartTtlSeconds: "CART_TTL_SECONDS",
  // Tracing, by the OpenTelemetry SDK's standard names (services/kit/tracing-config.ts); off unless an endpoint is set:
  /** The collector's OTLP/HTTP base URL; spans go to <it>/v1/traces. */
  otelEndpoint: "OTEL_EXPORTER_OTLP_ENDPOINT",
  /** The OTLP/HTTP traces URL itself (wins over the base URL). */
  otelTracesEndpoint: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  /** The sampler: parentbased_always_on by default; parentbased_traceidratio with a ratio in OTEL_TRACES_SAMPLER_ARG. */
  otelTracesSampler: "OTEL_TRACES_SAMPLER",
  /** The sampling ratio (0..1) of the traceidratio samplers. */
  otelTracesSamplerArg: "OTEL_TRACES_SAMPLER_ARG",
  /** service.name of the spans; SERVICE_NAME by default. */
  otelServiceName: "OTEL_SERVICE_NAME",
  /** "true" turns tracing off whatever else is set. */
  otelSdkDisabled: "OTEL_SDK_DISABLED",
} as const;

/** The variable holding the timeout of a call to an upstream service in ms, e.g. PAYMENT_CALL_TIMEOUT_MS. */
export function upstreamTimeoutEnv(name: ServiceName): string {
  return `${name.toUpperCase()}_CALL_TIMEOUT_MS`;
}

/** The variable holding the base URL of an upstream service, e.g. CATALOG_URL. */
export function upstreamUrlEnv(name: ServiceName): string {
  return `${name.toUpperCase()}_URL`;
}

/**
 * One operation a caller may ask of an upstream: a method and a path, exact
 * or a prefix (element-wise: `/orders` covers `/orders` and `/orders/1`, not
 * `/ordersx`). The query string is not part of the path.
 */
export interface Operation {
  readonly method: "GET" | "HEAD" | "POST" | "DELETE";
  readonly path: string;
  readonly match: "exact" | "prefix";
}

const op = (method: Operation["method"], path: string, match: Operation["match"] = "exact"): Operation => ({ method, path, match });

/**
 * The method-level authorization graph: what each caller may ask of each
 * service it calls (every `calls` edge above has its entry, and only those).
 * The meshes enforce it per method and path; the routes' own patterns are
 * finer (`/cart/:userId/add`), so a prefix stands for a resource's routes.
 */
export const CALL_OPERATIONS: { readonly [C in ServiceName]: { readonly [U in ServiceName]?: readonly Operation[] } } = {
  gateway: {
    catalog: [op("GET", "/products", "prefix")],
    cart: [op("GET", "/cart", "prefix"), op("POST", "/cart", "prefix"), op("DELETE", "/cart", "prefix")],
    orders: [op("GET", "/orders", "prefix")],
    users: [op("GET", "/users", "prefix")],
  },
  users: {},
  orders: { users: [op("GET", "/users", "prefix")] },
  catalog: {},
  cart: {
    catalog: [op("GET", "/products", "prefix")],
    payment: [op("POST", "/payments")],
    orders: [op("POST", "/orders"), op("GET", "/orders", "prefix")],
    notifications: [op("POST", "/notifications")],
  },
  payment: { notifications: [op("POST", "/notifications")] },
  notifications: {},
};
