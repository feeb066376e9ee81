/**
 * Checkout, as a resumable saga under the cart's lock:
 *
 *   1. take the cart's lock (a concurrent checkout of the same cart is a 409);
 *   2. resume the pending checkout if one exists, else read the cart (empty:
 *      409), price every line from catalog and record the pending checkout
 *      with an idempotency key minted at random (122 random bits): nobody
 *      outside cart can know or predict it, so nobody can spend it first;
 *   3. charge payment with that key, naming cart as the caller (payment and
 *      orders keep one key space per caller; declined: 402, the cart stays
 *      and the next attempt gets a new key; timeout: 504, everything stays);
 *      without a mesh the version is chosen per charge (the canary), so a
 *      retry may reach the other version: both keep their idempotency
 *      records in the same Redis, and it replays the first charge;
 *   4. create the order in orders with the same key (idempotent too);
 *   5. tell notifications (best effort, in the background);
 *   6. settle: take the bought lines out of the cart, forget the pending
 *      checkout, move to a new revision — one Lua script.
 *
 * Any failure before 6 leaves the pending checkout, so a retry resumes it
 * with the same key and lines: payment and orders replay what they already
 * did, and nothing is charged or ordered twice — even if the cart changed
 * in between. The pending checkout expires, and the cart with it, well
 * before payment's and orders' records of its key (services/retention.ts),
 * so a retry however late cannot charge again.
 */
import { randomUUID } from "node:crypto";
import { AppError } from "../kit/errors";
import type { BackgroundTasks } from "../kit/background";
import { rejected, type Upstream } from "../kit/http-client";
import type { Choice } from "../kit/weighted-choice";
import { callerHeaders } from "../contracts/caller";
import type { CheckoutResult } from "../contracts/cart";
import { MAX_AMOUNT_CENTS } from "../contracts/ids";
import { formatCents } from "../contracts/money";
import { Notification } from "../contracts/notification";
import { Order, totalOf, type OrderLine } from "../contracts/order";
import { Payment } from "../contracts/payment";
import { Product } from "../contracts/product";
import type { CartStore, PendingCheckout } from "./cart-store";

export interface CheckoutDeps {
  readonly store: CartStore;
  readonly catalog: Upstream;
  /** The payment version to charge, chosen anew for every charge. */
  readonly payment: Choice<Upstream>;
  readonly orders: Upstream;
  readonly notifications: Upstream;
  readonly background: BackgroundTasks;
  /** How long the cart's lock holds should this process die mid-checkout. */
  readonly lockMs: number;
}

/** A new checkout's idempotency key: random, so only cart knows it. */
export function newCheckoutKey(): string {
  return randomUUID();
}

export class Checkout {
  constructor(private readonly deps: CheckoutDeps) {}

  async run(userId: string): Promise<CheckoutResult> {
    const release = await this.deps.store.lock(userId, this.deps.lockMs);
    if (!release) throw new AppError(409, "checkout_in_progress", `a checkout of ${userId}'s cart is already running`, undefined, { "Retry-After": "1" });
    try {
      const pending = (await this.deps.store.pending(userId)) ?? (await this.begin(userId));
      const payment = await this.charge(userId, pending);
      const order = await this.createOrder(userId, pending, payment.payment_id);
      this.deps.background.run("notify checkout", () => this.notify(order));
      await this.deps.store.settle(userId, pending.lines);
      return {
        status: "completed",
        order_id: order.order_id,
        payment_id: payment.payment_id,
        payment_version: payment.version,
        total_cents: order.total_cents,
        items: order.items,
      };
    } finally {
      await release().catch(() => undefined); // it expires by itself otherwise
    }
  }

  private async begin(userId: string): Promise<PendingCheckout> {
    const cart = await this.deps.store.read(userId);
    if (!cart.items.length) throw new AppError(409, "cart_empty", `${userId}'s cart is empty: nothing to check out`);
    const lines = await Promise.all(cart.items.map((item) => this.price(item.product_id, item.quantity)));
    const total = totalOf(lines);
    if (total > MAX_AMOUNT_CENTS) throw new AppError(422, "order_too_large", `the cart totals ${formatCents(total)}; one order may be at most ${formatCents(MAX_AMOUNT_CENTS)}`);
    const pending: PendingCheckout = { idempotency_key: newCheckoutKey(), revision: cart.revision, lines, total_cents: total };
    await this.deps.store.savePending(userId, pending);
    return pending;
  }

  private async price(productId: string, quantity: number): Promise<OrderLine> {
    const reply = await this.deps.catalog.getJson(`/products/${productId}`, Product);
    if (!reply.ok) {
      if (reply.status === 404) throw new AppError(409, "product_unavailable", `product ${productId} in the cart is no longer sold; remove it and check out again`);
      throw rejected(this.deps.catalog.name, reply, `product ${productId}`);
    }
    return { product_id: productId, name: reply.data.name, quantity, unit_price_cents: reply.data.price_cents };
  }

  private async charge(userId: string, pending: PendingCheckout): Promise<Payment> {
    const payment = this.deps.payment.pick();
    const reply = await payment.postJson("/payments", { user_id: userId, amount_cents: pending.total_cents }, Payment, {
      "idempotency-key": pending.idempotency_key,
      ...callerHeaders("cart"),
    });
    if (!reply.ok) {
      if (reply.status === 409) throw new AppError(409, "checkout_in_progress", "the payment of this checkout is still being decided; retry shortly", undefined, { "Retry-After": "1" });
      throw rejected(payment.name, reply, "the charge");
    }
    if (reply.data.status === "declined") {
      await this.deps.store.abandon(userId);
      throw new AppError(402, "payment_declined", "the payment was declined; the cart is unchanged", {
        payment_id: reply.data.payment_id,
        payment_version: reply.data.version,
      });
    }
    return reply.data;
  }

  private async createOrder(userId: string, pending: PendingCheckout, paymentId: string): Promise<Order> {
    const reply = await this.deps.orders.postJson(
      "/orders",
      { user_id: userId, items: pending.lines, total_cents: pending.total_cents, payment_id: paymentId },
      Order,
      { "idempotency-key": pending.idempotency_key, ...callerHeaders("cart") },
    );
    if (!reply.ok) throw rejected(this.deps.orders.name, reply, "the order");
    return reply.data;
  }

  private notify(order: Order): Promise<unknown> {
    return this.deps.notifications.postJson(
      "/notifications",
      { id: `checkout-${order.order_id}`, user_id: order.user_id, type: "checkout.completed", message: `Order #${order.order_id} placed: ${formatCents(order.total_cents)}.` },
      Notification,
    );
  }
}
