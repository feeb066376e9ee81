/**
 * The authz probe without a cluster: no policies run locally, so the edge's
 * public API is what there is to check. Every public route answers (from the
 * service behind it, not the gateway's 404/405), and what is not public is a
 * JSON 404/405 at the edge: payment and notifications, the services'
 * operational endpoints under /api, and methods a route does not have.
 *
 * The tables are the public API of the shop's contract, written here on
 * purpose rather than read from the gateway's code: a check that derived its
 * expectations from the code it checks would agree with any bug.
 */
import { exchange, freshUserId } from "./http-exchange";
import { Findings, type CheckReport } from "./report";

interface Probe {
  readonly method: string;
  /** `{u}` is replaced by a fresh user id. */
  readonly path: string;
  readonly body?: unknown;
  readonly status: number;
  /** The error code expected in the JSON body, proving which service answered. */
  readonly code?: string;
}

/** Every public route, in an order that leaves nothing behind (the item added is removed again). */
export const PUBLIC_ROUTES: readonly Probe[] = [
  { method: "GET", path: "/", status: 200 },
  { method: "GET", path: "/api/products", status: 200 },
  { method: "GET", path: "/api/products/1", status: 200 },
  { method: "GET", path: "/api/users", status: 200 },
  { method: "GET", path: "/api/users/1", status: 200 },
  { method: "GET", path: "/api/orders/1", status: 200 },
  { method: "GET", path: "/api/orders?user_id={u}", status: 200 },
  { method: "GET", path: "/api/cart/{u}", status: 200 },
  { method: "POST", path: "/api/cart/{u}/add", body: { product_id: "1", quantity: 1 }, status: 200 },
  { method: "DELETE", path: "/api/cart/{u}/items/1", status: 200 },
  // the cart is empty again: cart itself answers, and nothing is charged
  { method: "POST", path: "/api/cart/{u}/checkout", status: 409, code: "cart_empty" },
];

/** Not public: each must be a JSON 404 or 405 at the edge. */
export const REFUSED: readonly Omit<Probe, "status">[] = [
  { method: "GET", path: "/api/payments" },
  { method: "POST", path: "/api/payments", body: { user_id: "{u}", amount_cents: 100 } },
  { method: "GET", path: "/api/notifications/{u}" },
  { method: "POST", path: "/api/notifications", body: { user_id: "{u}", message: "probe" } },
  { method: "GET", path: "/api/metrics" },
  { method: "GET", path: "/api/healthz" },
  { method: "GET", path: "/api/readyz" },
  { method: "POST", path: "/api/products", body: { name: "probe" } },
  { method: "PUT", path: "/api/products/1", body: { name: "probe" } },
  { method: "DELETE", path: "/api/products/1" },
  { method: "PATCH", path: "/api/users/1", body: { name: "probe" } },
  { method: "POST", path: "/api/users", body: { name: "probe" } },
  { method: "GET", path: "/api/cart/{u}/checkout" },
  { method: "GET", path: "/api/cart/{u}/add" },
  // orders are created by cart alone: a forged order through the edge is the first attack of the trust-boundary issue
  { method: "POST", path: "/api/orders", body: { user_id: "{u}", items: [{ product_id: "1", name: "probe", quantity: 1, unit_price_cents: 1 }], total_cents: 1, payment_id: "pay-probe" } },
  { method: "POST", path: "/api/orders/1", body: {} },
  { method: "DELETE", path: "/api/orders/1" },
  { method: "GET", path: "/api/payments/1" },
  { method: "GET", path: "/api/notifications" },
  // the upstreams' operational endpoints, however they are reached through /api
  { method: "GET", path: "/api/products/1/metrics" },
  { method: "GET", path: "/api/cart/{u}/healthz" },
  { method: "GET", path: "/api/users/1/readyz" },
  { method: "GET", path: "/api/orders/1/metrics" },
  // nothing deeper than the public paths
  { method: "GET", path: "/api/users/1/orders" },
  { method: "GET", path: "/api/cart/{u}/items/1" },
  { method: "PUT", path: "/api/cart/{u}/add", body: { product_id: "1", quantity: 1 } },
];

function fill<T>(value: T, userId: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll("{u}", userId)) as T;
}

function errorCode(json: unknown): string | undefined {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof error?.code === "string" && typeof error.message === "string" ? error.code : undefined;
}

export async function publicApi({ baseUrl }: { readonly baseUrl: string }): Promise<CheckReport> {
  const findings = new Findings(`authz, public API at the edge (${baseUrl})`);
  const userId = freshUserId("authz");
  for (const probe of PUBLIC_ROUTES.map((p) => fill(p, userId))) {
    const answer = await exchange(baseUrl, probe.method, probe.path.replace(/^\//, ""), { body: probe.body });
    const ok = answer.status === probe.status && (probe.code === undefined || errorCode(answer.json) === probe.code);
    findings.expectAnswer(ok, answer, probe.code ? `${probe.status} ${probe.code}` : String(probe.status), "public");
  }
  for (const probe of REFUSED.map((p) => fill(p, userId))) {
    const answer = await exchange(baseUrl, probe.method, probe.path.replace(/^\//, ""), { body: probe.body });
    const ok = (answer.status === 404 || answer.status === 405) && errorCode(answer.json) !== undefined;
    findings.expectAnswer(ok, answer, "a JSON 404 or 405", "not public");
  }
  return findings.report();
}
