/**
 * gateway: the storefront page and the public API under /api (public-api.ts),
 * proxied to catalog, cart, orders and users. Under /api, in this order:
 * public error bodies and no-store (public-errors.ts), the cross-origin
 * refusal (cross-origin.ts), then the routes; a known path with another
 * method is a JSON 405 naming the allowed ones, anything else a JSON 404.
 * Its own /healthz, /readyz and /metrics (from the kit) stay, for the
 * kubelet and Prometheus; the Ingress does not route them.
 */
import type { MiddlewareHandler } from "hono";
import { createServiceApp, type KitOptions, type ServiceApp } from "../kit/service-app";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import type { Upstream } from "../kit/http-client";
import { refuseCrossOrigin } from "./cross-origin";
import { proxyTo } from "./proxy";
import { publicErrors } from "./public-errors";
import { allowedMethods, API_PREFIX, PUBLIC_API, type GatewayUpstream } from "./public-api";
import { securityHeaders } from "./security-headers";
import { storefrontRoutes } from "./storefront-routes";
import type { Storefront } from "./storefront/assets";

export interface GatewayDeps {
  readonly kit: KitOptions;
  /** One client per upstream of PUBLIC_API (catalog, cart, orders, users). */
  readonly upstream: (name: GatewayUpstream) => Upstream;
  /** The page and its assets (storefront/assets.ts createStorefront). */
  readonly storefront: Storefront;
}

/** `middleware` for requests under /api only. */
function underApi(middleware: MiddlewareHandler<ServiceEnv>): MiddlewareHandler<ServiceEnv> {
  return (c, next) => (c.req.path === API_PREFIX || c.req.path.startsWith(`${API_PREFIX}/`) ? middleware(c, next) : next());
}

export function createGatewayApp(deps: GatewayDeps): ServiceApp {
  return createServiceApp(deps.kit, {
    routes: (app) => {
      app.use(securityHeaders());
      app.route("/", storefrontRoutes(deps.storefront));
      // on "*" with a path check rather than on "/api/*", so unmatched requests keep the metrics' "unmatched" route label
      app.use(underApi(publicErrors()));
      app.use(underApi(refuseCrossOrigin()));
      for (const route of PUBLIC_API) app.on(route.method, route.path, proxyTo(deps.upstream(route.upstream), API_PREFIX));
      for (const [path, methods] of allowedMethods()) {
        app.all(path, (c) => {
          throw new AppError(405, "method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; allowed: ${methods.join(", ")}`, undefined, { Allow: methods.join(", ") });
        });
      }
    },
  });
}
