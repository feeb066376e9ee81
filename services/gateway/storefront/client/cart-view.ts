/**
 * The cart as the page shows it: the cart service knows product ids and
 * quantities, the catalog knows names and prices. Prices here are for
 * display; checkout prices every line again from the catalog.
 */
import type { Cart } from "../../../contracts/cart";
import type { Product } from "../../../contracts/product";

export interface CartLineView {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  /** null while the catalog is unknown (it failed to load). */
  readonly unitCents: number | null;
  readonly lineCents: number | null;
}

export interface CartView {
  readonly lines: readonly CartLineView[];
  /** Items in the cart, counting quantities. */
  readonly count: number;
  /** null when some line has no known price. */
  readonly totalCents: number | null;
}

export function cartView(cart: Cart | null, products: ReadonlyMap<string, Product>): CartView {
  const lines = (cart?.items ?? []).map((item): CartLineView => {
    const product = products.get(item.product_id);
    return {
      productId: item.product_id,
      name: product?.name ?? `Product ${item.product_id}`,
      quantity: item.quantity,
      unitCents: product ? product.price_cents : null,
      lineCents: product ? product.price_cents * item.quantity : null,
    };
  });
  const count = lines.reduce((sum, line) => sum + line.quantity, 0);
  const totalCents = lines.every((line) => line.lineCents !== null) ? lines.reduce((sum, line) => sum + (line.lineCents ?? 0), 0) : null;
  return { lines, count, totalCents };
}

/** "1 item", "3 items". */
export function itemCount(count: number): string {
  return `${count} ${count === 1 ? "item" : "items"}`;
}
