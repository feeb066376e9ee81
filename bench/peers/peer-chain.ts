/**
 * What the Express and Fastify peers share, framework-free: the chains'
 * data and contracts (the shop's own zod schemas and reference data, so the
 * peers do the same validation work), the RED metrics in prom-client by
 * route template, the request id and trace headers a hop passes on, and the
 * upstream call with its timeout — the way a team would write them beside
 * either framework. Each peer process is configured like a service: HOST,
 * PORT, USERS_URL, ORDERS_URL, REDIS_URL, UPSTREAM_TIMEOUT_MS.
 */
import { randomUUID } from "node:crypto";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import { createClient } from "redis";
import type { z } from "zod";
import { OrderIdParam, UserIdParam } from "../../services/contracts/ids";
import { Order, type OrderView } from "../../services/contracts/order";
import { User } from "../../services/contracts/user";
import { PROPAGATED_HEADERS } from "../../services/kit/trace";
import { USERS } from "../../services/users/users-data";

export const env = {
  host: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  usersUrl: process.env.USERS_URL ?? "http://127.0.0.1:8000",
  ordersUrl: process.env.ORDERS_URL ?? "http://127.0.0.1:8001",
  redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  timeoutMs: Number(process.env.UPSTREAM_TIMEOUT_MS ?? 2_000),
};

/** The JSON error every peer answers with, as the shop does: {"error":{"code","message"}}. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorBody(err: HttpError): { error: { code: string; message: string } } {
  return { error: { code: err.code, message: err.message } };
}

const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's x-request-id when safe to log and echo, a fresh UUID otherwise. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && SAFE_ID.test(header) ? header : randomUUID();
}

type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** The trace headers of a request, and its request id, for the next hop. */
export function forwardedHeaders(incoming: IncomingHeaders, requestId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PROPAGATED_HEADERS) {
    const value = incoming[name];
    if (typeof value === "string") out[name] = value;
  }
  out["x-request-id"] = requestId;
  return out;
}

/** RED metrics by route template, as the shop counts them. */
export class RedMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly duration: Histogram<"method" | "route" | "status">;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: "http_requests_total", help: "Requests served", labelNames: ["method", "route", "status"], registers: [this.registry] });
    this.duration = new Histogram({
      name: "http_request_duration_seconds",
      help: "Time to answer",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  record(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}

/** GET `url` with the hop's headers, within the timeout; the answer checked against `schema`. 404 → null. */
export async function getJson<T>(url: string, headers: Record<string, string>, schema: z.ZodType<T>, upstream: string): Promise<T | null> {
  let answer: Response;
  try {
    answer = await fetch(url, { headers, signal: AbortSignal.timeout(env.timeoutMs) });
  } catch (err) {
    if ((err as Error).name === "TimeoutError") throw new HttpError(504, "upstream_timeout", `${upstream} did not answer within ${env.timeoutMs} ms`);
    throw new HttpError(503, "upstream_unavailable", `${upstream} is unavailable`);
  }
  if (answer.status === 404) {
    await answer.body?.cancel();
    return null;
  }
  if (answer.status !== 200) {
    await answer.body?.cancel();
    throw new HttpError(502, "upstream_error", `${upstream} answered ${answer.status}`);
  }
  const parsed = schema.safeParse(await answer.json());
  if (!parsed.success) throw new HttpError(502, "upstream_contract", `${upstream} answered outside its contract`);
  return parsed.data;
}

/** A path id checked with the shop's contract: 400 otherwise. */
export function parseId(schema: typeof OrderIdParam | typeof UserIdParam, raw: string): number {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, "invalid_request", `id: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

const usersById = new Map(USERS.map((user) => [user.id, user]));

/** users' one route: GET /users/:id. */
export function findUser(rawId: string): User {
  const id = parseId(UserIdParam, rawId);
  const user = usersById.get(id);
  if (!user) throw new HttpError(404, "user_not_found", `no user ${id}`);
  return user;
}

/** orders' GET /orders/:id: the stored order (validated), with its user fetched live from users. */
export function ordersChain() {
  const redis = createClient({ url: env.redisUrl });
  redis.on("error", () => undefined);
  const connected = redis.connect();
  return {
    connected,
    close: () => redis.close(),
    async order(rawId: string, headers: Record<string, string>): Promise<OrderView> {
      const id = parseId(OrderIdParam, rawId);
      const json = await redis.hGet("orders", String(id)).catch(() => {
        throw new HttpError(503, "store_unavailable", "the order store is unavailable");
      });
      if (!json) throw new HttpError(404, "order_not_found", `no order ${id}`);
      const { order_id, ...rest } = Order.parse({ order_id: id, ...(JSON.parse(json) as object) });
      const user = UserIdParam.safeParse(rest.user_id).success ? await getJson(`${env.usersUrl}/users/${rest.user_id}`, headers, User, "users") : null;
      return { order_id, user, ...rest };
    },
  };
}

/** The gateway's hop: GET `url` within the timeout, its status and JSON body passed on as they are. */
export async function relay(url: string, headers: Record<string, string>, upstream: string): Promise<{ status: number; body: string }> {
  try {
    const answer = await fetch(url, { headers, signal: AbortSignal.timeout(env.timeoutMs) });
    return { status: answer.status, body: await answer.text() };
  } catch (err) {
    if ((err as Error).name === "TimeoutError") throw new HttpError(504, "upstream_timeout", `${upstream} did not answer within ${env.timeoutMs} ms`);
    throw new HttpError(503, "upstream_unavailable", `${upstream} is unavailable`);
  }
}
