/** Reference data baked into the image: the products, priced in integer cents. */
import type { Product } from "../contracts/product";

export const PRODUCTS: readonly Product[] = [
  { id: "1", name: "Mesh Hoodie", description: "Warm, and fully encrypted in transit.", price_cents: 4999, currency: "USD" },
  { id: "2", name: "Sidecar Mug", description: "Rides along with every coffee.", price_cents: 1299, currency: "USD" },
  { id: "3", name: "Circuit Breaker Cap", description: "Trips before you overheat.", price_cents: 1999, currency: "USD" },
  { id: "4", name: "Canary Socks", description: "Five percent of the time, they are yellow.", price_cents: 899, currency: "USD" },
  { id: "5", name: "Retry Notebook", description: "For idempotent notes only.", price_cents: 699, currency: "USD" },
  { id: "6", name: "Timeout Sticker Pack", description: "Stick to your deadlines.", price_cents: 399, currency: "USD" },
  { id: "7", name: "mTLS Keychain", description: "Mutually authenticated keys.", price_cents: 599, currency: "USD" },
  { id: "8", name: "Tracing Tote Bag", description: "Carries every span.", price_cents: 1599, currency: "USD" },
];
