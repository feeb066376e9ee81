/** gateway: the storefront page and /api, proxied to catalog, cart, orders and users. */
import { createServiceApp, type KitOptions, type ServiceApp } from "../kit/app";
import type { Upstream } from "../kit/http-client";
import { proxyTo } from "./proxy";
import { PROXY_ROUTES, type GatewayUpstream } from "./routes";
import { securityHeaders } from "./security-headers";
import { storefrontRoutes } from "./storefront";
import type { Storefront } from "./storefront/assets";

export interface GatewayDeps {
  readonly kit: KitOptions;
  /** One client per upstream of PROXY_ROUTES (catalog, cart, orders, users). */
  readonly upstream: (name: GatewayUpstream) => Upstream;
  /** The page and its assets (storefront/assets.ts createStorefront). */
  readonly storefront: Storefront;
}

export function createGatewayApp(deps: GatewayDeps): ServiceApp {
  return createServiceApp(deps.kit, {
    routes: (app) => {
      app.use(securityHeaders());
      app.route("/", storefrontRoutes(deps.storefront));
      for (const route of PROXY_ROUTES) {
        const handler = proxyTo(deps.upstream(route.upstream), route.prefix, route.target);
        if (route.bare) app.all(route.prefix, handler);
        app.all(`${route.prefix}/*`, handler);
      }
    },
  });
}
