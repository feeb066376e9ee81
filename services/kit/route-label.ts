/**
 * The route *template* a request matched ("/orders/:id"), never the raw URL,
 * so metrics and logs have bounded cardinality. Read after `await next()`:
 * the label is the last matched route that a method was registered for, so
 * catch-all middleware registered after a route (the gateway's /api guards
 * after its storefront page) never hides it, and a request a guard refused
 * still counts for the route it asked for. Requests no route matched share
 * one label.
 */
import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

export const UNMATCHED_ROUTE = "unmatched";

/** Hono's method for middleware registered with `use`. */
const MIDDLEWARE_METHOD = "ALL";

export function routeLabel(c: Context): string {
  const route = matchedRoutes(c).findLast((r) => r.method !== MIDDLEWARE_METHOD && r.path !== "*" && r.path !== "/*");
  return route?.path ?? UNMATCHED_ROUTE;
}
