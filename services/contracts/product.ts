/** catalog: read-only reference data, ids are strings, prices integer cents. */
import { z } from "zod";
import { ProductId } from "./ids";

export const Product = z.object({
  id: ProductId,
  name: z.string().min(1),
  description: z.string(),
  price_cents: z.number().int().positive(),
  currency: z.literal("USD"),
});
export type Product = z.infer<typeof Product>;

export const ProductList = z.object({ products: z.array(Product) });
