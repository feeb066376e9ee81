/**
 * The storefront's calls to the gateway's /api, same origin. Every failure
 * becomes an ApiError with the HTTP status (0 when the shop could not be
 * reached at all) and the service's error code, so messages.ts can say
 * something readable about it.
 */
import type { Cart, CheckoutResult } from "../../../contracts/cart";
import type { Product } from "../../../contracts/product";
import type { User } from "../../../contracts/user";

/** Longer than any answer the gateway can take (its upstream timeouts are seconds). */
const TIMEOUT_MS = 15_000;

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when no answer arrived. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === "TimeoutError";
    throw new ApiError(0, timedOut ? "client_timeout" : "network", timedOut ? `no answer within ${TIMEOUT_MS / 1000} s` : "the shop could not be reached");
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (payload as ErrorBody | undefined)?.error;
    const code = typeof error?.code === "string" ? error.code : `http_${response.status}`;
    const message = typeof error?.message === "string" ? error.message : `HTTP ${response.status}`;
    throw new ApiError(response.status, code, message, error?.details);
  }
  if (payload === undefined || payload === null || typeof payload !== "object") {
    throw new ApiError(response.status, "bad_response", "the shop answered something other than JSON");
  }
  return payload as T;
}

function list<T>(payload: Record<string, unknown>, key: string): T[] {
  const value = payload[key];
  if (!Array.isArray(value)) throw new ApiError(200, "bad_response", `the answer has no ${key} list`);
  return value as T[];
}

const cartPath = (shopper: string) => `/api/cart/${encodeURIComponent(shopper)}`;

export const api = {
  products: async (): Promise<Product[]> => list<Product>(await call("GET", "/api/products"), "products"),
  users: async (): Promise<User[]> => list<User>(await call("GET", "/api/users"), "users"),
  cart: (shopper: string): Promise<Cart> => call("GET", cartPath(shopper)),
  add: (shopper: string, productId: string, quantity: number): Promise<Cart> =>
    call("POST", `${cartPath(shopper)}/add`, { product_id: productId, quantity }),
  remove: (shopper: string, productId: string): Promise<Cart> => call("DELETE", `${cartPath(shopper)}/items/${encodeURIComponent(productId)}`),
  checkout: (shopper: string): Promise<CheckoutResult> => call("POST", `${cartPath(shopper)}/checkout`),
};
