/**
 * GET /products and GET /products/:id. With CATALOG_ERROR_RATE set, that
 * share of these requests fails with a JSON 500 (the mesh demo's injected
 * fault); health, readiness and metrics are never affected.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import type { Fault } from "../kit/faults";
import { validate } from "../kit/validation";
import { ProductId } from "../contracts/ids";
import type { Product } from "../contracts/product";

export function productsRoutes(products: readonly Product[], errorRate: Fault): Hono<ServiceEnv> {
  const byId = new Map(products.map((product) => [product.id, product]));
  return new Hono<ServiceEnv>()
    .use(async (_c, next) => {
      if (errorRate.hit()) throw new AppError(500, "injected_fault", "injected catalog failure (CATALOG_ERROR_RATE)");
      await next();
    })
    .get("/", (c) => c.json({ products }))
    .get("/:id", validate("param", z.object({ id: ProductId })), (c) => {
      const { id } = c.req.valid("param");
      const product = byId.get(id);
      if (!product) throw new AppError(404, "product_not_found", `no product ${id}`);
      return c.json(product);
    });
}
