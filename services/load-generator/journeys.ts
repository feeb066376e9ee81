/**
 * A shopper's journeys through the public API only (services/gateway/public-api.ts),
 * as a browser-less client: no Origin or Sec-Fetch-Site header (the gateway's
 * CSRF rule lets such requests change a cart) and no Idempotency-Key (the
 * gateway drops it; cart mints its own for a checkout).
 *
 *   browse    GET /, GET /api/products
 *   view      GET /api/products/:id
 *   add       POST /api/cart/:userId/add
 *   remove    POST /api/cart/:userId/add, DELETE /api/cart/:userId/items/:productId
 *   checkout  POST /api/cart/:userId/add, POST /api/cart/:userId/checkout
 *
 * remove and checkout put a line in the cart first, so each journey stands on
 * its own (no 404 or 409 from another journey's leftovers) and always makes
 * the same number of requests, which is what turns a request rate into a
 * journey rate. A shopper runs one journey at a time (the scheduler's rule),
 * so two checkouts of one cart never race.
 */
import type { Dispatcher } from "undici";

export const JOURNEY_NAMES = ["browse", "view", "add", "remove", "checkout"] as const;
export type JourneyName = (typeof JOURNEY_NAMES)[number];

/** Requests each journey makes. */
export const JOURNEY_REQUESTS: Readonly<Record<JourneyName, number>> = { browse: 2, view: 1, add: 1, remove: 2, checkout: 2 };

export interface Step {
  readonly method: "GET" | "POST" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
}

/** What a journey sends, for a shopper and a product. */
export function journeySteps(journey: JourneyName, userId: string, productId: string): Step[] {
  const cart = `/api/cart/${encodeURIComponent(userId)}`;
  const add: Step = { method: "POST", path: `${cart}/add`, body: { product_id: productId, quantity: 1 } };
  switch (journey) {
    case "browse":
      return [{ method: "GET", path: "/" }, { method: "GET", path: "/api/products" }];
    case "view":
      return [{ method: "GET", path: `/api/products/${encodeURIComponent(productId)}` }];
    case "add":
      return [add];
    case "remove":
      return [add, { method: "DELETE", path: `${cart}/items/${encodeURIComponent(productId)}` }];
    case "checkout":
      return [add, { method: "POST", path: `${cart}/checkout` }];
  }
}

/** One request's outcome: its status, or why there is none. */
export interface RequestOutcome {
  readonly status?: number;
  readonly failure?: "timeout" | "network";
  readonly ms: number;
}

export interface RequestContext {
  readonly dispatcher: Dispatcher;
  /** Host header to send; absent: the target's. */
  readonly host?: string;
  readonly timeoutMs: number;
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);

export async function send(ctx: RequestContext, step: Step): Promise<RequestOutcome> {
  const headers: Record<string, string> = { accept: step.path === "/" ? "text/html" : "application/json" };
  if (ctx.host) headers.host = ctx.host;
  if (step.body !== undefined) headers["content-type"] = "application/json";
  const started = performance.now();
  try {
    const res = await ctx.dispatcher.request({
      method: step.method,
      path: step.path,
      headers,
      body: step.body === undefined ? undefined : JSON.stringify(step.body),
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    });
    await res.body.arrayBuffer();
    return { status: res.statusCode, ms: performance.now() - started };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { failure: code && TIMEOUT_CODES.has(code) ? "timeout" : "network", ms: performance.now() - started };
  }
}

/** The product ids the shop lists (GET /api/products), or an error saying why not. */
export async function listProducts(ctx: RequestContext): Promise<string[]> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (ctx.host) headers.host = ctx.host;
  const res = await ctx.dispatcher.request({ method: "GET", path: "/api/products", headers, headersTimeout: ctx.timeoutMs, bodyTimeout: ctx.timeoutMs });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET /api/products answered ${res.statusCode}: ${text.slice(0, 200)}`);
  let ids: unknown;
  try {
    ids = (JSON.parse(text) as { products?: { id?: unknown }[] }).products?.map((p) => p.id);
  } catch {
    throw new Error(`GET /api/products did not answer JSON: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string" && /^\d+$/.test(id))) {
    throw new Error(`GET /api/products listed no products: ${text.slice(0, 200)}`);
  }
  return ids as string[];
}
