/**
 * The route *template* a request matched ("/orders/:id"), never the raw URL,
 * so metrics and logs have bounded cardinality. Read after `await next()`:
 * the last matched route is the most specific handler. Requests no route
 * matched share one label.
 */
import type { Context } from "hono";
import { routePath } from "hono/route";

export const UNMATCHED_ROUTE = "unmatched";

export function routeLabel(c: Context): string {
  const path = routePath(c, -1);
  return path === "" || path === "*" || path === "/*" ? UNMATCHED_ROUTE : path;
}
