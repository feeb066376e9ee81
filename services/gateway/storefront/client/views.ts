/**
 * Rendering: state in, DOM out. Buttons carry data-action and data-product;
 * storefront-main.ts listens once per region (event delegation), so re-rendering never
 * leaks handlers.
 */
import type { CheckoutResult } from "../../../contracts/cart";
import { formatCents } from "../../../contracts/money";
import type { Product } from "../../../contracts/product";
import type { User } from "../../../contracts/user";
import type { CartView } from "./cart-view";
import { fill, h } from "./dom";
import { productIllustration } from "./icons";
import type { Message } from "./messages";

const price = (cents: number | null): string => (cents === null ? "—" : formatCents(cents));

/** The product grid; `adding` holds the ids whose add is in flight, `errors` an add's failure by product. */
export function renderProducts(list: HTMLElement, products: readonly Product[], adding: ReadonlySet<string>, errors: ReadonlyMap<string, Message>): void {
  list.setAttribute("aria-busy", "false");
  fill(
    list,
    ...products.map((product, index) => {
      const nameId = `product-${product.id}-name`;
      const busy = adding.has(product.id);
      const error = errors.get(product.id);
      return h(
        "li",
        { class: "product-card" },
        h("div", { class: `product-art tint-${index % 8}` }, productIllustration(product.id)),
        h(
          "div",
          { class: "product-body" },
          h("h3", { class: "product-name", id: nameId }, product.name),
          h("p", { class: "product-description" }, product.description),
          h(
            "div",
            { class: "product-buy" },
            h("p", { class: "product-price" }, formatCents(product.price_cents)),
            h(
              "button",
              {
                class: "button button-primary",
                type: "button",
                "data-action": "add",
                "data-product": product.id,
                "aria-label": `Add to cart: ${product.name}`,
                "aria-disabled": busy ? "true" : false,
              },
              busy ? "Adding…" : "Add to cart",
            ),
          ),
          error ? noticeBody(error, "inline-error") : null,
        ),
      );
    }),
  );
}

export function renderProductsUnavailable(list: HTMLElement): void {
  list.setAttribute("aria-busy", "false");
  fill(list, h("li", { class: "product-placeholder" }, "Products will appear here as soon as the catalog answers."));
}

export function renderCart(
  view: CartView,
  parts: { lines: HTMLElement; empty: HTMLElement; total: HTMLElement; count: HTMLElement; checkout: HTMLButtonElement },
  state: { checkingOut: boolean; busy: ReadonlySet<string>; cartKnown: boolean },
): void {
  // a cart that failed to load is unknown, not empty: no "empty", no $0.00
  parts.empty.hidden = !state.cartKnown || view.lines.length > 0;
  parts.empty.textContent = "Your cart is empty.";
  parts.count.textContent = String(view.count);
  parts.total.textContent = state.cartKnown ? price(view.totalCents) : "—";
  // aria-disabled while an order is placed keeps the focus on the button (disabled would drop it)
  parts.checkout.disabled = view.lines.length === 0 && !state.checkingOut;
  parts.checkout.setAttribute("aria-disabled", String(state.checkingOut));
  parts.checkout.textContent = state.checkingOut ? "Placing your order…" : "Check out";
  fill(
    parts.lines,
    ...view.lines.map((line) =>
      h(
        "li",
        { class: "cart-line" },
        h(
          "div",
          { class: "cart-line-main" },
          h("span", { class: "cart-line-name" }, line.name),
          h("span", { class: "cart-line-price" }, price(line.lineCents)),
        ),
        h(
          "div",
          { class: "cart-line-meta" },
          h("span", {}, `Qty ${line.quantity}`, line.unitCents === null ? null : ` × ${formatCents(line.unitCents)}`),
          h(
            "span",
            { class: "cart-line-actions" },
            lineButton("more", "+1", `+1 ${line.name}`, "button-small", line.productId, state.busy),
            lineButton("remove", "Remove", `Remove ${line.name}`, "button-small button-quiet", line.productId, state.busy),
          ),
        ),
      ),
    ),
  );
}

function lineButton(action: string, text: string, label: string, classes: string, productId: string, busy: ReadonlySet<string>): HTMLButtonElement {
  return h(
    "button",
    { class: `button ${classes}`, type: "button", "data-action": action, "data-product": productId, "aria-label": label, "aria-disabled": busy.has(productId) ? "true" : false },
    text,
  );
}

function noticeBody(message: Message, className: string, retryAction?: string): HTMLElement {
  return h(
    "div",
    { class: `notice ${className}`, role: "alert" },
    h("p", { class: "notice-title" }, message.title),
    h("p", {}, message.detail),
    message.retry && retryAction ? h("button", { class: "button button-small", type: "button", "data-action": retryAction }, "Try again") : null,
    h("p", { class: "notice-reference" }, `Reference: ${message.reference}`),
  );
}

/** A failure in a region (`slot`), with a Try again button dispatching `retryAction`. */
export function renderNotice(slot: HTMLElement, message: Message | null, retryAction?: string): void {
  if (!message) return fill(slot);
  fill(slot, noticeBody(message, "notice-error", retryAction));
}

export function renderShoppers(select: HTMLSelectElement, users: readonly User[], selected: string): void {
  const known = users.some((user) => String(user.id) === selected);
  fill(
    select,
    ...users.map((user) => h("option", { value: String(user.id), selected: String(user.id) === selected }, user.name)),
    known ? null : h("option", { value: selected, selected: true }, `Shopper ${selected}`),
  );
  select.disabled = false;
}

export function renderConfirmation(box: HTMLElement, result: CheckoutResult | null, shopperName: string): void {
  box.hidden = result === null;
  if (!result) return fill(box);
  fill(
    box,
    h("p", { class: "confirmation-kicker" }, "Order placed"),
    h("h2", { id: "confirmation-heading" }, `Thank you, ${shopperName}!`),
    h("p", {}, "Order ", h("strong", { "data-order-id": result.order_id }, `#${result.order_id}`), " is confirmed."),
    h(
      "ul",
      { class: "confirmation-lines" },
      ...result.items.map((line) =>
        h("li", {}, h("span", {}, `${line.quantity} × ${line.name}`), h("span", {}, formatCents(line.quantity * line.unit_price_cents))),
      ),
    ),
    h("p", { class: "confirmation-total" }, h("span", {}, "Charged"), h("strong", {}, formatCents(result.total_cents))),
    h(
      "p",
      { class: "confirmation-payment" },
      "Paid with payment ",
      h("span", { class: "version-badge", "data-payment-version": result.payment_version }, result.payment_version),
    ),
    h("p", { class: "confirmation-reference" }, `Payment reference ${result.payment_id}`),
    h("button", { class: "button button-quiet button-small", type: "button", "data-action": "dismiss" }, "Continue shopping"),
  );
}
