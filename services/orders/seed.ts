/**
 * Order 1 for user 1, so `curl :8001/orders/1` answers on a fresh shop (the
 * source documents' example). Written at every connection to Redis, only
 * where it is missing.
 */
import type { Order } from "../contracts/order";

export const SEED_ORDER: Order = {
  order_id: 1,
  user_id: "1",
  items: [{ product_id: "1", name: "Mesh Hoodie", quantity: 1, unit_price_cents: 4999 }],
  total_cents: 4999,
  payment_id: "seed-payment-1",
  status: "created",
  created_at: "2026-01-01T00:00:00.000Z",
};
