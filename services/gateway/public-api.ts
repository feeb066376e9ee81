/**
 * The public API: exactly the methods and paths the gateway forwards
 * (docs/architecture.md), and the upstream each goes to. Everything else is
 * a JSON 404, or a 405 naming the allowed methods where the path exists.
 * payment and notifications are deliberately absent (only cart may reach
 * payment, only cart and payment may reach notifications), so are
 * POST /orders (orders are created by cart alone) and the services'
 * /healthz, /readyz and /metrics. The upstream path is the public one
 * without its /api prefix, passed on as the client encoded it.
 */
import type { GATEWAY_UPSTREAMS } from "../topology";

/** The services the gateway calls (its edges in services/topology.ts). */
export type GatewayUpstream = (typeof GATEWAY_UPSTREAMS)[number];

export interface PublicRoute {
  readonly method: "GET" | "POST" | "DELETE";
  /** Hono pattern under /api, e.g. /api/cart/:userId/add. */
  readonly path: string;
  readonly upstream: GatewayUpstream;
}

/** What /api/… becomes upstream: the same path without this prefix. */
export const API_PREFIX = "/api";

export const PUBLIC_API: readonly PublicRoute[] = [
  { method: "GET", path: "/api/products", upstream: "catalog" },
  { method: "GET", path: "/api/products/:id", upstream: "catalog" },
  { method: "GET", path: "/api/cart/:userId", upstream: "cart" },
  { method: "POST", path: "/api/cart/:userId/add", upstream: "cart" },
  { method: "POST", path: "/api/cart/:userId/checkout", upstream: "cart" },
  { method: "DELETE", path: "/api/cart/:userId/items/:productId", upstream: "cart" },
  { method: "GET", path: "/api/orders/:id", upstream: "orders" },
  { method: "GET", path: "/api/orders", upstream: "orders" },
  { method: "GET", path: "/api/users", upstream: "users" },
  { method: "GET", path: "/api/users/:id", upstream: "users" },
];

/** The methods each public path allows (GET implies HEAD), for 405's Allow header. */
export function allowedMethods(routes: readonly PublicRoute[] = PUBLIC_API): ReadonlyMap<string, readonly string[]> {
  const byPath = new Map<string, string[]>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? [];
    methods.push(route.method, ...(route.method === "GET" ? ["HEAD"] : []));
    byPath.set(route.path, methods);
  }
  return byPath;
}
