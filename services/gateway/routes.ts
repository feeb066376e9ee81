/**
 * What the gateway exposes under /api, and where each prefix goes. payment
 * and notifications are deliberately absent: only cart may reach payment,
 * only cart and payment may reach notifications (docs/architecture.md's authorization
 * graph), so /api/payments and /api/notifications are 404s here.
 */
/** The services the gateway calls (its edges in services/topology.ts). */
export type GatewayUpstream = "catalog" | "cart" | "orders" | "users";

export interface ProxyRoute {
  /** Public prefix, e.g. /api/products (the prefix itself and everything under it). */
  readonly prefix: string;
  readonly upstream: GatewayUpstream;
  /** What the prefix becomes upstream, e.g. /products. */
  readonly target: string;
  /** Whether the bare prefix is a route too (GET /api/products), or only paths under it. */
  readonly bare: boolean;
}

export const PROXY_ROUTES: readonly ProxyRoute[] = [
  { prefix: "/api/products", upstream: "catalog", target: "/products", bare: true },
  { prefix: "/api/cart", upstream: "cart", target: "/cart", bare: false },
  { prefix: "/api/orders", upstream: "orders", target: "/orders", bare: true },
  { prefix: "/api/users", upstream: "users", target: "/users", bare: true },
];
