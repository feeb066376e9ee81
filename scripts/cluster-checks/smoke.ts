/**
 * smoke: the shop works through the edge. GET / serves the storefront; browse
 * (GET /api/products, /api/products/1); add to cart; check out. Statuses and
 * shapes are checked against the services' own contracts. In the mesh stacks
 * payments are declined on purpose (paymentDeclineRate), so a checkout gets a
 * few attempts, each with a fresh cart, before the smoke calls it failed.
 */
import { Cart } from "../../services/contracts/cart";
import { Product, ProductList } from "../../services/contracts/product";
import { exchange } from "./http-exchange";
import { Findings, type CheckReport } from "./report";
import { addAndCheckOut } from "./shopper-journey";

export interface SmokeOptions {
  readonly baseUrl: string;
  /** Checkout attempts before giving up (each a fresh cart); 5 by default. */
  readonly checkoutAttempts?: number;
}

export async function smoke({ baseUrl, checkoutAttempts = 5 }: SmokeOptions): Promise<CheckReport> {
  const findings = new Findings(`smoke (${baseUrl})`);

  const page = await exchange(baseUrl, "GET", "");
  findings.expectAnswer(page.status === 200 && page.contentType.startsWith("text/html"), page, "200 with an HTML page");

  const list = await exchange(baseUrl, "GET", "api/products");
  const products = ProductList.safeParse(list.json);
  findings.expectAnswer(list.status === 200 && products.success && products.data.products.length > 0, list, "200 with a non-empty product list");

  const one = await exchange(baseUrl, "GET", "api/products/1");
  const product = Product.safeParse(one.json);
  findings.expectAnswer(one.status === 200 && product.success && product.data.id === "1", one, '200 with product "1"');

  for (let attempt = 1; attempt <= checkoutAttempts; attempt++) {
    const journey = await addAndCheckOut(baseUrl, "1", "smoke");
    const cartOk = journey.add.status === 200 && Cart.safeParse(journey.add.json).success;
    const checkout = journey.checkout;
    if (checkout?.status === 402 && attempt < checkoutAttempts) continue; // declined on purpose: try a fresh cart
    findings.expectAnswer(cartOk, journey.add, "200 with the cart");
    if (!checkout) break;
    findings.expectAnswer(journey.result !== undefined, checkout, "201 with a completed checkout", attempt > 1 ? `attempt ${attempt}` : undefined);
    if (journey.result) {
      const order = await exchange(baseUrl, "GET", `api/orders/${journey.result.order_id}`);
      findings.expectAnswer(order.status === 200 && (order.json as { order_id?: unknown })?.order_id === journey.result.order_id, order, "200 with the new order");
    }
    break;
  }
  return findings.report();
}
