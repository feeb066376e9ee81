/**
 * Every public route of the shop, for the hostile-input corpus: the
 * gateway's (what the ingress exposes) and each service's own (what any pod
 * in the namespace can reach). Each path parameter carries the contract
 * schema the service validates it with, so the test knows whether a hostile
 * value is actually a legal one (then a read-only route may answer it), and
 * each body-taking route carries a valid body, to send with hostile headers.
 */
import type { z } from "zod";
import { AddToCart } from "../../../services/contracts/cart";
import { CustomerId, IdempotencyKey, OrderIdParam, ProductId, UserIdParam } from "../../../services/contracts/ids";
import { NotificationId, NewNotification } from "../../../services/contracts/notification";
import { NewOrder } from "../../../services/contracts/order";
import { PaymentRequest } from "../../../services/contracts/payment";
import type { ServiceName } from "../../../services/topology";

export interface PublicRoute {
  readonly service: ServiceName;
  readonly method: "GET" | "POST" | "DELETE";
  /** With :params, e.g. /cart/:userId/add. */
  readonly path: string;
  /** The schema of each :param, from the shared contracts. */
  readonly params?: Readonly<Record<string, z.ZodType>>;
  /** A query parameter the route requires, and its schema. */
  readonly query?: { readonly name: string; readonly schema: z.ZodType };
  /** The schema of its JSON body, and a valid body. */
  readonly body?: { readonly schema: z.ZodType; readonly valid: unknown };
  /** Whether it needs an Idempotency-Key. */
  readonly idempotent?: boolean;
  /** Answers in something other than JSON when it succeeds (the storefront page, /metrics). */
  readonly notJson?: boolean;
}

/** A legal value for every parameter, used where the test varies something else. */
export const LEGAL: Readonly<Record<string, string>> = { id: "1", userId: "hostile-corpus", productId: "1" };

const order = { user_id: "hostile-corpus", items: [{ product_id: "1", name: "Mesh Hoodie", quantity: 1, unit_price_cents: 4999 }], total_cents: 4999, payment_id: "pay-hostile" };

function serviceRoutes(): PublicRoute[] {
  const health = (service: ServiceName): PublicRoute[] => [
    { service, method: "GET", path: "/healthz" },
    { service, method: "GET", path: "/readyz" },
    { service, method: "GET", path: "/metrics", notJson: true },
  ];
  return [
    { service: "users", method: "GET", path: "/users" },
    { service: "users", method: "GET", path: "/users/:id", params: { id: UserIdParam } },
    ...health("users"),
    { service: "catalog", method: "GET", path: "/products" },
    { service: "catalog", method: "GET", path: "/products/:id", params: { id: ProductId } },
    ...health("catalog"),
    { service: "cart", method: "GET", path: "/cart/:userId", params: { userId: CustomerId } },
    { service: "cart", method: "POST", path: "/cart/:userId/add", params: { userId: CustomerId }, body: { schema: AddToCart, valid: { product_id: "1", quantity: 1 } } },
    { service: "cart", method: "DELETE", path: "/cart/:userId/items/:productId", params: { userId: CustomerId, productId: ProductId } },
    { service: "cart", method: "POST", path: "/cart/:userId/checkout", params: { userId: CustomerId } },
    ...health("cart"),
    { service: "orders", method: "POST", path: "/orders", body: { schema: NewOrder, valid: order }, idempotent: true },
    { service: "orders", method: "GET", path: "/orders/:id", params: { id: OrderIdParam } },
    { service: "orders", method: "GET", path: "/orders", query: { name: "user_id", schema: CustomerId } },
    ...health("orders"),
    { service: "payment", method: "POST", path: "/payments", body: { schema: PaymentRequest, valid: { user_id: "hostile-corpus", amount_cents: 100 } }, idempotent: true },
    ...health("payment"),
    { service: "notifications", method: "POST", path: "/notifications", body: { schema: NewNotification, valid: { id: "hostile-1", user_id: "hostile-corpus", type: "test.note", message: "hi" } } },
    { service: "notifications", method: "GET", path: "/notifications/:userId", params: { userId: CustomerId } },
    ...health("notifications"),
  ];
}

/** The gateway's /api routes mirror cart, orders, catalog and users under their prefixes, except POST /orders. */
function gatewayRoutes(): PublicRoute[] {
  const prefixes: Partial<Record<ServiceName, [string, string]>> = {
    catalog: ["/products", "/api/products"],
    users: ["/users", "/api/users"],
    orders: ["/orders", "/api/orders"],
    cart: ["/cart", "/api/cart"],
  };
  const proxied = serviceRoutes().flatMap((route) => {
    const prefix = prefixes[route.service];
    return prefix && route.path.startsWith(prefix[0]) ? [{ ...route, service: "gateway" as const, path: `${prefix[1]}${route.path.slice(prefix[0].length)}` }] : [];
  }).filter((route) => !(route.method === "POST" && route.path === "/api/orders")); // not public: orders are created by cart alone (business-logic.ts)
  return [
    { service: "gateway", method: "GET", path: "/", notJson: true },
    ...proxied,
    { service: "gateway", method: "GET", path: "/healthz" },
    { service: "gateway", method: "GET", path: "/readyz" },
    { service: "gateway", method: "GET", path: "/metrics", notJson: true },
  ];
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [...gatewayRoutes(), ...serviceRoutes()];

/** Whether a route changes state when it succeeds. */
export const mutates = (route: PublicRoute) => route.method !== "GET";

/** Whether `value` is a legal Idempotency-Key, or a legal notification id. */
export const legalKey = (value: string) => IdempotencyKey.safeParse(value).success;
export const legalNotificationId = (value: string) => NotificationId.safeParse(value).success;
