/** catalog: read-only product data, no store, no upstreams, an optional injected error rate. */
import { createServiceApp, type KitOptions, type ServiceApp } from "../kit/service-app";
import { fault, type Fault } from "../kit/faults";
import type { Product } from "../contracts/product";
import { PRODUCTS } from "./catalog-data";
import { productsRoutes } from "./products";

export interface CatalogDeps {
  readonly kit: KitOptions;
  /** CATALOG_ERROR_RATE; off by default. */
  readonly errorRate?: Fault;
  readonly products?: readonly Product[];
}

export function createCatalogApp(deps: CatalogDeps): ServiceApp {
  const routes = productsRoutes(deps.products ?? PRODUCTS, deps.errorRate ?? fault(0));
  return createServiceApp(deps.kit, { routes: (app) => app.route("/products", routes) });
}
