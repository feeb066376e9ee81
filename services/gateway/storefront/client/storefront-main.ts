/**
 * The storefront's controller: loads shoppers, products and the cart from the
 * gateway's /api, and turns clicks into adds, removals and a checkout. Every
 * failure lands in a readable notice next to what failed (messages.ts) and in
 * the live region, so a screen reader hears it too; nothing leaves the page
 * blank. Keyboard focus survives every re-render.
 */
import type { Cart, CheckoutResult } from "../../../contracts/cart";
import { formatCents } from "../../../contracts/money";
import type { Product } from "../../../contracts/product";
import type { User } from "../../../contracts/user";
import { api, ApiError } from "./api";
import { cartView, itemCount } from "./cart-view";
import { byId } from "./dom";
import { describeError, type Action, type Message } from "./messages";
import { loadShopper, saveShopper } from "./shopper";
import { renderCart, renderConfirmation, renderNotice, renderProducts, renderProductsUnavailable, renderShoppers } from "./views";

const el = {
  shopper: byId<HTMLSelectElement>("shopper"),
  products: byId("products"),
  catalogNotice: byId("catalog-notice"),
  cartNotice: byId("cart-notice"),
  cartLines: byId("cart-lines"),
  cartEmpty: byId("cart-empty"),
  cartTotal: byId("cart-total"),
  cartCount: byId("cart-count"),
  checkout: byId<HTMLButtonElement>("checkout"),
  cartHeading: byId("cart-heading"),
  confirmation: byId("confirmation"),
  status: byId("status"),
};

const state = {
  shopper: loadShopper(),
  users: [] as User[],
  products: [] as Product[],
  cart: null as Cart | null,
  /** Product ids with a cart change in flight. */
  busy: new Set<string>(),
  addErrors: new Map<string, Message>(),
  checkingOut: false,
  confirmation: null as CheckoutResult | null,
};

const productsById = () => new Map(state.products.map((product) => [product.id, product]));
const productName = (id: string) => productsById().get(id)?.name ?? `product ${id}`;
const shopperName = () => state.users.find((user) => String(user.id) === state.shopper)?.name ?? `shopper ${state.shopper}`;

/**
 * The cart region's notice: a failed load (cleared by the next good load) or
 * a failed checkout or removal (cleared by the next cart action only, so the
 * reload after a decline does not wipe the message).
 */
let cartNoticeFromLoad = false;
function cartNotice(message: Message | null, retryAction?: string, fromLoad = false): void {
  cartNoticeFromLoad = fromLoad && message !== null;
  renderNotice(el.cartNotice, message, retryAction);
}

/** Says `text` through the polite live region (cleared first, so a repeat is announced again). */
function announce(text: string): void {
  el.status.textContent = "";
  window.setTimeout(() => (el.status.textContent = text), 50);
}

function failure(err: unknown, action: Action): Message {
  const error = err instanceof ApiError ? err : new ApiError(0, "client_error", String(err));
  return describeError(error, action);
}

/** Re-renders `region` and puts the keyboard focus back on the same control. */
function keepingFocus(region: HTMLElement, render: () => void): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && region.contains(active) ? `${active.dataset.action}:${active.dataset.product}` : null;
  render();
  if (!key) return;
  const again = [...region.querySelectorAll<HTMLElement>("[data-action]")].find((node) => `${node.dataset.action}:${node.dataset.product}` === key);
  (again ?? region.closest<HTMLElement>("[tabindex]") ?? el.cartHeading).focus();
}

function showProducts(): void {
  keepingFocus(el.products, () => renderProducts(el.products, state.products, state.busy, state.addErrors));
}

function showCart(): void {
  const view = cartView(state.cart, productsById());
  keepingFocus(el.cartLines, () => renderCart(view, { lines: el.cartLines, empty: el.cartEmpty, total: el.cartTotal, count: el.cartCount, checkout: el.checkout }, { ...state, cartKnown: state.cart !== null }));
}

async function loadProducts(): Promise<void> {
  renderNotice(el.catalogNotice, null);
  el.products.setAttribute("aria-busy", "true");
  try {
    state.products = await api.products();
    showProducts();
    showCart(); // names and prices for the lines
  } catch (err) {
    renderProductsUnavailable(el.products);
    const message = failure(err, "products");
    renderNotice(el.catalogNotice, message, "retry-products");
    announce(`${message.title} ${message.detail}`);
  }
}

async function loadUsers(): Promise<void> {
  try {
    state.users = await api.users();
  } catch {
    state.users = []; // the select falls back to the current shopper id; the cart still works
  }
  renderShoppers(el.shopper, state.users, state.shopper);
}

async function loadCart(): Promise<void> {
  try {
    state.cart = await api.cart(state.shopper);
    if (cartNoticeFromLoad) cartNotice(null);
  } catch (err) {
    state.cart = null;
    cartNotice(failure(err, "cart"), "retry-cart", true);
  }
  showCart();
}

async function changeCart(productId: string, action: "add" | "more" | "remove"): Promise<void> {
  if (state.busy.has(productId)) return;
  state.busy.add(productId);
  state.addErrors.delete(productId);
  showProducts();
  showCart();
  const name = productName(productId);
  try {
    state.cart = action === "remove" ? await api.remove(state.shopper, productId) : await api.add(state.shopper, productId, 1);
    cartNotice(null);
    const view = cartView(state.cart, productsById());
    const total = view.totalCents === null ? "" : `, ${formatCents(view.totalCents)}`;
    announce(`${action === "remove" ? `${name} removed from` : `${name} added to`} your cart. ${itemCount(view.count)}${total}.`);
  } catch (err) {
    const message = failure(err, action === "remove" ? "remove" : "add");
    if (action === "add") state.addErrors.set(productId, message);
    else cartNotice(message);
    announce(`${message.title} ${message.detail}`);
  } finally {
    state.busy.delete(productId);
    showProducts();
    showCart();
  }
}

async function checkout(): Promise<void> {
  if (state.checkingOut || !state.cart?.items.length) return;
  state.checkingOut = true;
  state.confirmation = null;
  renderConfirmation(el.confirmation, null, shopperName());
  cartNotice(null);
  showCart();
  announce("Placing your order…");
  try {
    const result = await api.checkout(state.shopper);
    state.confirmation = result;
    renderConfirmation(el.confirmation, result, shopperName());
    el.confirmation.focus();
    announce(`Order ${result.order_id} is confirmed: ${formatCents(result.total_cents)}, paid with payment ${result.payment_version}.`);
  } catch (err) {
    const message = failure(err, "checkout");
    cartNotice(message, "checkout");
    announce(`${message.title} ${message.detail}`);
  } finally {
    state.checkingOut = false;
    await loadCart(); // what the server kept: emptied after an order, intact after a decline
  }
}

function onAction(event: Event): void {
  const target = (event.target as Element | null)?.closest<HTMLElement>("[data-action]");
  if (!target || target.getAttribute("aria-disabled") === "true") return;
  const product = target.dataset.product;
  switch (target.dataset.action) {
    case "add":
    case "more":
    case "remove":
      if (product) void changeCart(product, target.dataset.action);
      return;
    case "retry-products":
      void loadProducts();
      return;
    case "retry-cart":
      void loadCart();
      return;
    case "checkout":
      void checkout();
      return;
    case "dismiss":
      state.confirmation = null;
      renderConfirmation(el.confirmation, null, shopperName());
      byId("products-heading").focus();
      return;
  }
}

document.addEventListener("click", onAction);
el.checkout.addEventListener("click", () => void checkout());
el.shopper.addEventListener("change", () => {
  state.shopper = el.shopper.value;
  saveShopper(state.shopper);
  state.confirmation = null;
  renderConfirmation(el.confirmation, null, shopperName());
  announce(`Shopping as ${shopperName()}.`);
  void loadCart();
});

void Promise.all([loadUsers(), loadProducts(), loadCart()]);
