/**
 * The storefront's HTML: a complete, readable page before any script runs
 * (header, headings, a loading state, the empty cart, a <noscript> note), which
 * client/storefront-main.ts then fills from /api. No inline script, style or handler, so
 * the Content-Security-Policy needs no 'unsafe-inline'.
 */

export interface PageAssets {
  /** URLs of the hashed assets. */
  readonly script: string;
  readonly style: string;
  readonly icon: string;
}

function attr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** The mesh logo: three nodes, fully connected. Presentation attributes only (no style). */
const LOGO = `<svg class="brand-mark" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
<path d="M16 6 7 22h18z" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linejoin="round"/>
<circle cx="16" cy="6" r="4" fill="#fcbf49"/><circle cx="7" cy="22" r="4" fill="#ffffff"/><circle cx="25" cy="22" r="4" fill="#ffffff"/>
</svg>`;

export function renderPage(assets: PageAssets): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>meshmart — gear for people who run service meshes</title>
<meta name="description" content="meshmart: hoodies, mugs and stickers for people who run service meshes.">
<meta name="color-scheme" content="light">
<meta name="theme-color" content="#14213d">
<link rel="icon" type="image/svg+xml" href="${attr(assets.icon)}">
<link rel="stylesheet" href="${attr(assets.style)}">
<script type="module" src="${attr(assets.script)}"></script>
</head>
<body>
<a class="skip-link" href="#products-heading">Skip to products</a>
<header class="site-header">
  <div class="container header-inner">
    <a class="brand" href="/">${LOGO}<span>meshmart</span></a>
    <div class="shopper">
      <label for="shopper">Shopping as</label>
      <select id="shopper" name="shopper" disabled>
        <option>Loading…</option>
      </select>
    </div>
    <a class="cart-link" href="#cart-heading">Cart <span class="cart-count" id="cart-count">0</span><span class="visually-hidden"> items</span></a>
  </div>
</header>
<main id="main" class="container layout">
  <section class="catalog" aria-labelledby="products-heading">
    <div class="intro">
      <h1 id="products-heading" tabindex="-1">Gear for your service mesh</h1>
      <p>Everything ships with mutual TLS. Prices in US dollars.</p>
    </div>
    <div id="catalog-notice" class="notice-slot"></div>
    <ul id="products" class="product-grid" aria-busy="true">
      <li class="product-placeholder">Loading products…</li>
    </ul>
  </section>
  <aside class="cart" aria-labelledby="cart-heading">
    <div id="confirmation" class="confirmation" tabindex="-1" hidden></div>
    <h2 id="cart-heading" tabindex="-1">Your cart</h2>
    <div id="cart-notice" class="notice-slot"></div>
    <p id="cart-empty" class="cart-empty">Loading your cart…</p>
    <ul id="cart-lines" class="cart-lines"></ul>
    <dl class="cart-total">
      <dt>Total</dt>
      <dd id="cart-total">—</dd>
    </dl>
    <button id="checkout" class="button button-primary button-block" type="button" disabled>Check out</button>
    <p class="fine-print">Charged once, even if you press twice: every checkout carries an idempotency key.</p>
  </aside>
</main>
<footer class="site-footer">
  <div class="container">
    <p>meshmart runs on Kubernetes: the gateway in front of catalog, cart, orders and users; payment and notifications behind the cart.</p>
  </div>
</footer>
<div id="status" class="visually-hidden" role="status" aria-live="polite" aria-atomic="true"></div>
<noscript><p class="noscript">The meshmart storefront needs JavaScript to show products and your cart. The API is at <a href="/api/products">/api/products</a>.</p></noscript>
</body>
</html>
`;
}
