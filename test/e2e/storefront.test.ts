// The storefront in a real browser: Debian's chromium through playwright-core
// against the whole shop started the way `npm start` starts it (the
// launcher's startShop on free ports, with its own redis-server, from a
// private build of the bundles). Faults come in through the environment, as
// they would in a cluster. Screenshots go to test-output/e2e/.
import { expect } from "chai";
import type { Browser, Locator, Page } from "playwright-core";
import { startShop, type Shop, type ShopOptions } from "../../scripts/launcher/start-shop";
import { bundle } from "../support/test-dist";
import { waitFor } from "../support/wait";
import { focused, launchChromium, openPage, screenshot, tabTo, type WatchedPage } from "./support/browser";
import { auditContrast } from "./support/contrast";

interface ApiProduct {
  id: string;
  name: string;
  price_cents: number;
}

const dollars = (cents: number) => `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  expect(response.status, url).to.equal(200);
  return (await response.json()) as T;
}

/** Starts a shop for one describe block and stops it after. */
function shopFor(options: Omit<ShopOptions, "distDir" | "ports">): () => Shop {
  let shop: Shop | undefined;
  before(async function () {
    this.timeout(90_000); // the first one builds the bundles
    shop = await startShop({ distDir: await bundle(), ports: "free", ...options });
  });
  after(async function () {
    this.timeout(30_000);
    await shop?.stop();
  });
  return () => shop!;
}

/** Opens the storefront and waits until the page has asked for products and the cart. */
async function openStorefront(browser: Browser, shop: Shop, options: Parameters<typeof openPage>[1] = {}): Promise<WatchedPage> {
  const watched = await openPage(browser, options);
  const settled = Promise.all([
    watched.page.waitForResponse((response) => response.url().endsWith("/api/products")),
    watched.page.waitForResponse((response) => /\/api\/cart\/[^/]+$/.test(response.url())),
  ]);
  const response = await watched.page.goto(`${shop.urls.gateway}/`);
  expect(response?.status()).to.equal(200);
  await settled;
  return watched;
}

function cartCount(page: Page): Promise<string | null> {
  return page.locator("#cart-count").textContent();
}

async function expectCleanRun(watched: WatchedPage, { console = true } = {}): Promise<void> {
  expect(watched.cspViolations, "CSP violations").to.deep.equal([]);
  expect(watched.pageErrors, "uncaught exceptions").to.deep.equal([]);
  // a failing API answer is logged by Chromium itself as a console error; only a healthy run has none
  if (console) expect(watched.consoleErrors, "console errors").to.deep.equal([]);
}

async function expectAaContrast(page: Page, where: string): Promise<void> {
  const report = await auditContrast(page);
  expect(report.checked, `${where}: text measured`).to.be.greaterThan(10);
  expect(report.failures, `${where}: text below WCAG AA`).to.deep.equal([]);
}

/** The end of every flow: AA contrast on what is shown, a clean run, and a screenshot. */
async function finish(watched: WatchedPage, name: string, { console = true } = {}): Promise<void> {
  await expectAaContrast(watched.page, name);
  await expectCleanRun(watched, { console });
  await screenshot(watched.page, name);
}

/** A readable notice: visible, with its title and the sentence that says what to do. */
async function expectNotice(notice: Locator, title: string, detail: string): Promise<void> {
  await notice.waitFor({ state: "visible" });
  expect(await notice.locator(".notice-title").textContent()).to.equal(title);
  expect(await notice.textContent()).to.include(detail);
}

describe("storefront in Debian's chromium (playwright-core)", function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async function () {
    this.timeout(60_000);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  /** Runs `flow` on a fresh storefront page of `shop`, closing the page however it ends. */
  async function onStorefront(shop: Shop, flow: (watched: WatchedPage, page: Page) => Promise<void>, options: Parameters<typeof openPage>[1] = {}): Promise<void> {
    const watched = await openStorefront(browser, shop, options);
    try {
      await flow(watched, watched.page);
    } finally {
      await watched.close();
    }
  }

  describe("a healthy shop (payment v1)", () => {
    const shop = shopFor({});

    it("browse → add → cart → checkout → confirmation naming payment v1; no CSP violation, no console error, AA contrast", async () => {
      const { products } = await getJson<{ products: ApiProduct[] }>(`${shop().urls.gateway}/api/products`);
      await onStorefront(shop(), async (watched, page) => {
        // browse: every product of the catalog, with its price
        const cards = page.locator(".product-card");
        expect(await cards.count()).to.equal(products.length);
        for (const [i, product] of products.entries()) {
          expect(await cards.nth(i).locator(".product-name").textContent()).to.equal(product.name);
          expect(await cards.nth(i).locator(".product-price").textContent()).to.equal(dollars(product.price_cents));
        }
        expect(await page.locator("#shopper").inputValue(), "user 1 by default").to.equal("1");
        expect(await page.locator("#shopper option:checked").textContent()).to.equal("Alice");

        // add: two hoodies (one more from the cart) and a pair of socks; a sticker pack in and out again
        await page.getByRole("button", { name: "Add to cart: Mesh Hoodie" }).click();
        await waitFor("one item", async () => (await cartCount(page)) === "1");
        await page.getByRole("button", { name: "+1 Mesh Hoodie" }).click();
        await waitFor("two items", async () => (await cartCount(page)) === "2");
        await page.getByRole("button", { name: "Add to cart: Canary Socks" }).click();
        await waitFor("three items", async () => (await cartCount(page)) === "3");
        await waitFor("the live region to announce it", async () => (await page.locator("#status").textContent()) === "Canary Socks added to your cart. 3 items, $108.97.");
        await page.getByRole("button", { name: "Add to cart: Timeout Sticker Pack" }).click();
        await waitFor("four items", async () => (await cartCount(page)) === "4");
        await page.getByRole("button", { name: "Remove Timeout Sticker Pack" }).click();
        await waitFor("the removal announced", async () => (await page.locator("#status").textContent()) === "Timeout Sticker Pack removed from your cart. 3 items, $108.97.");

        // cart: lines, prices and total, as the cart service has them
        expect(await page.locator(".cart-line-name").allTextContents()).to.deep.equal(["Mesh Hoodie", "Canary Socks"]);
        expect(await page.locator(".cart-line-price").allTextContents()).to.deep.equal(["$99.98", "$8.99"]);
        expect(await page.locator("#cart-total").textContent()).to.equal("$108.97");
        const cart = await getJson<{ items: unknown[] }>(`${shop().urls.gateway}/api/cart/1`);
        expect(cart.items).to.deep.equal([
          { product_id: "1", quantity: 2 },
          { product_id: "4", quantity: 1 },
        ]);
        await expectAaContrast(page, "with a filled cart");

        // checkout → confirmation
        await page.getByRole("button", { name: "Check out" }).click();
        const confirmation = page.locator("#confirmation");
        await confirmation.waitFor({ state: "visible" });
        expect(await confirmation.locator("h2").textContent()).to.equal("Thank you, Alice!");
        expect(await confirmation.locator("[data-payment-version]").textContent()).to.equal("v1");
        expect(await confirmation.textContent()).to.include("Paid with payment v1");
        expect(await confirmation.locator(".confirmation-total strong").textContent()).to.equal("$108.97");
        expect(await page.evaluate(() => document.activeElement?.id), "focus moves to the confirmation").to.equal("confirmation");
        const orderId = Number(await confirmation.locator("[data-order-id]").getAttribute("data-order-id"));
        const order = await getJson<{ user: unknown; total_cents: number; payment_id: string }>(`${shop().urls.gateway}/api/orders/${orderId}`);
        expect(order.user).to.deep.equal({ id: 1, name: "Alice" });
        expect(order.total_cents).to.equal(10_897);
        expect(await confirmation.textContent()).to.include(order.payment_id);

        // the cart is empty afterwards, on the page and in the cart service
        await waitFor("the cart to empty", async () => (await cartCount(page)) === "0");
        expect(await page.locator("#cart-empty").isVisible()).to.equal(true);
        expect((await getJson<{ items: unknown[] }>(`${shop().urls.gateway}/api/cart/1`)).items).to.deep.equal([]);
        await finish(watched, "desktop-confirmation.png");
      });
    });

    it("arrives with its security headers and long-cached hashed assets, and the browser enforces the CSP", async () => {
      const watched = await openPage(browser);
      const { page } = watched;
      try {
        const assets: { url: string; cacheControl: string | undefined }[] = [];
        page.on("response", (response) => {
          if (new URL(response.url()).pathname.startsWith("/assets/")) assets.push({ url: response.url(), cacheControl: response.headers()["cache-control"] });
        });
        const response = await page.goto(`${shop().urls.gateway}/`);
        const headers = response!.headers();
        expect(headers["content-security-policy"]).to.include("default-src 'self'").and.include("frame-ancestors 'none'").and.not.include("unsafe-inline");
        expect(headers["x-content-type-options"]).to.equal("nosniff");
        expect(headers["referrer-policy"]).to.equal("no-referrer");
        expect(headers["cache-control"]).to.equal("no-cache");
        await page.locator(".product-card").first().waitFor();
        expect(assets.map((asset) => new URL(asset.url).pathname.replace(/\.[0-9a-f]{16}\./, ".*."))).to.have.members([
          "/assets/styles.*.css",
          "/assets/app.*.js",
          "/assets/favicon.*.svg",
        ]);
        for (const asset of assets) expect(asset.cacheControl, asset.url).to.equal("public, max-age=31536000, immutable");
        await expectCleanRun(watched);

        // the policy is live: inline styles are refused (and reported), and Trusted Types refuse HTML strings
        const outcome = await page.evaluate(() => {
          const probe = document.createElement("p");
          probe.setAttribute("style", "color: rgb(255, 0, 0)");
          const sheet = document.createElement("style");
          sheet.textContent = "body { background: rgb(255, 0, 0); }";
          document.body.append(probe, sheet);
          let html = "accepted";
          try {
            probe.innerHTML = "<b>injected</b>";
          } catch (err) {
            html = (err as Error).name;
          }
          return { color: getComputedStyle(probe).color, background: getComputedStyle(document.body).backgroundColor, html };
        });
        expect(outcome.color, "inline style attribute").not.to.equal("rgb(255, 0, 0)");
        expect(outcome.background, "inline <style>").not.to.equal("rgb(255, 0, 0)");
        expect(outcome.html, "innerHTML under Trusted Types").to.equal("TypeError");
        await waitFor("the violations to be reported", () => watched.cspViolations.length >= 2);
        expect(watched.cspViolations.join("\n")).to.match(/style-src-attr/).and.match(/style-src-elem/);
      } finally {
        await watched.close();
      }
    });

    it("works by keyboard alone, with a visible focus ring at every stop (as Bob)", () =>
      onStorefront(
        shop(),
        async (watched, page) => {
          await page.locator(".product-card").first().waitFor();
          const skip = await tabTo(page, (focus) => focus.name === "Skip to products", "the skip link", 1);
          expect(skip.ringVisible, "skip link ring").to.equal(true);
          expect(await page.locator(".skip-link").isVisible()).to.equal(true);

          const select = await tabTo(page, (focus) => focus.id === "shopper", "the shopper select", 3);
          expect(select.ringVisible, "select ring").to.equal(true);
          await page.keyboard.press("ArrowDown");
          await waitFor("Bob to be chosen", async () => (await page.locator("#shopper").inputValue()) === "2");

          const add = await tabTo(page, (focus) => focus.name === "Add to cart: Sidecar Mug", "Add to cart: Sidecar Mug");
          expect(add.ringVisible, "add button ring").to.equal(true);
          await page.keyboard.press("Enter");
          await waitFor("the mug in Bob's cart", async () => (await cartCount(page)) === "1");
          expect((await focused(page)).name, "focus stays on the button through the re-render").to.equal("Add to cart: Sidecar Mug");
          await page.keyboard.press("Space");
          await waitFor("a second mug", async () => (await cartCount(page)) === "2");

          const checkout = await tabTo(page, (focus) => focus.id === "checkout", "Check out");
          expect(checkout.ringVisible, "checkout ring").to.equal(true);
          await page.keyboard.press("Enter");
          await page.locator("#confirmation").waitFor({ state: "visible" });
          const landed = await focused(page);
          expect(landed.id, "focus lands on the confirmation").to.equal("confirmation");
          expect(landed.ringVisible, "confirmation ring").to.equal(true);
          expect(await page.locator("#confirmation h2").textContent()).to.equal("Thank you, Bob!");
          expect((await getJson<{ orders: { user_id: string }[] }>(`${shop().urls.gateway}/api/orders?user_id=2`)).orders).to.have.length(1);

          await tabTo(page, (focus) => focus.name === "Continue shopping", "Continue shopping", 3);
          await page.keyboard.press("Enter");
          expect((await focused(page)).id, "back to the products").to.equal("products-heading");
          expect(await page.locator("#confirmation").isHidden()).to.equal(true);
          await finish(watched, "keyboard.png");
        },
      ));

    it("fits a 360 px phone: no sideways scrolling, add and check out by touch (as Carol)", () =>
      onStorefront(
        shop(),
        async (watched, page) => {
          await page.locator(".product-card").first().waitFor();
          await page.locator("#shopper").selectOption("3");
          const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(await overflow(), "sideways overflow in px").to.be.at.most(0);
          for (const box of await page.locator(".product-card, .cart, .site-header").evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().toJSON()))) {
            expect(box.left, "inside the screen").to.be.at.least(0);
            expect(box.right, "inside the screen").to.be.at.most(360);
          }
          const addButton = page.getByRole("button", { name: "Add to cart: Retry Notebook" });
          const size = (await addButton.boundingBox())!;
          expect(size.height, "touch target height").to.be.at.least(44);
          await addButton.tap();
          await waitFor("the notebook in Carol's cart", async () => (await cartCount(page)) === "1");
          expect(await page.locator("#cart-count").isVisible(), "the count stays in view in the sticky header").to.equal(true);
          await page.getByRole("link", { name: /^Cart/ }).tap();
          await page.getByRole("button", { name: "Check out" }).tap();
          await page.locator("#confirmation").waitFor({ state: "visible" });
          expect(await page.locator("#confirmation h2").textContent()).to.equal("Thank you, Carol!");
          expect(await overflow(), "sideways overflow after checkout").to.be.at.most(0);
          await finish(watched, "phone-confirmation.png");
          await page.evaluate(() => window.scrollTo(0, 0));
          await screenshot(page, "phone-products.png");
        },
        { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
      ));
  });

  describe("payment declines every charge (PAYMENT_DECLINE_RATE=1, payment v2)", () => {
    const shop = shopFor({ env: { PAYMENT_DECLINE_RATE: "1" }, paymentVersion: "v2" });

    it("says the payment was declined, by which version, and keeps the cart", () =>
      onStorefront(
        shop(),
        async (watched, page) => {
          const ordersBefore = (await getJson<{ orders: unknown[] }>(`${shop().urls.gateway}/api/orders?user_id=1`)).orders.length;
          await page.getByRole("button", { name: "Add to cart: Tracing Tote Bag" }).click();
          await waitFor("the bag in the cart", async () => (await cartCount(page)) === "1");
          await page.getByRole("button", { name: "Check out" }).click();
          const alert = page.locator("#cart-notice [role=alert]");
          await expectNotice(alert, "Your payment was declined.", "Payment v2 declined the charge. You have not been charged and your cart is unchanged, so you can try again.");
          expect(await page.locator("#confirmation").isHidden()).to.equal(true);

          // the cart is intact, on the page and in the cart service; no order was made
          expect(await page.locator(".cart-line-name").allTextContents()).to.deep.equal(["Tracing Tote Bag"]);
          expect(await cartCount(page)).to.equal("1");
          expect((await getJson<{ items: unknown[] }>(`${shop().urls.gateway}/api/cart/1`)).items).to.deep.equal([{ product_id: "8", quantity: 1 }]);
          expect((await getJson<{ orders: unknown[] }>(`${shop().urls.gateway}/api/orders?user_id=1`)).orders).to.have.length(ordersBefore);
          await waitFor("the checkout button to come back", async () => (await page.locator("#checkout").getAttribute("aria-disabled")) === "false");
          expect(await page.locator("#checkout").isEnabled()).to.equal(true);
          expect(await page.locator("#status").textContent()).to.include("Your payment was declined.");

          // trying again declines again, and says so again
          const again = page.waitForResponse((response) => response.url().endsWith("/api/cart/1/checkout"));
          await alert.getByRole("button", { name: "Try again" }).click();
          expect((await again).status()).to.equal(402);
          await expectNotice(alert, "Your payment was declined.", "Payment v2 declined the charge.");
          expect(await page.locator(".cart-line-name").allTextContents()).to.deep.equal(["Tracing Tote Bag"]);
          await finish(watched, "declined.png", { console: false });
        },
      ));
  });

  describe("the catalog fails every request (CATALOG_ERROR_RATE=1)", () => {
    const shop = shopFor({ env: { CATALOG_ERROR_RATE: "1" } });

    it("says the products could not be loaded and offers a retry; the rest of the page works", () =>
      onStorefront(
        shop(),
        async (watched, page) => {
          const alert = page.locator("#catalog-notice [role=alert]");
          await expectNotice(alert, "We couldn't load the products.", "The catalog service ran into a problem. Please try again.");
          expect(await page.locator("h1").textContent()).to.equal("Gear for your service mesh");
          expect(await page.locator(".product-placeholder").textContent()).to.equal("Products will appear here as soon as the catalog answers.");
          expect(await page.locator("#products").getAttribute("aria-busy")).to.equal("false");
          expect(await page.locator("#cart-empty").isVisible(), "the cart still shows").to.equal(true);
          expect(await page.locator("#shopper option").count(), "the shoppers still load").to.equal(4);

          const retried = page.waitForResponse((response) => response.url().endsWith("/api/products"));
          await alert.getByRole("button", { name: "Try again" }).click();
          expect((await retried).status()).to.equal(500);
          await expectNotice(alert, "We couldn't load the products.", "The catalog service ran into a problem.");
          await finish(watched, "catalog-failure.png", { console: false });
        },
      ));
  });

  describe("a service goes down (payment v2, then the cart process is killed)", () => {
    const shop = shopFor({ paymentVersion: "v2" });

    it("confirms an order paid by payment v2, then says the cart is unavailable instead of failing silently", () =>
      onStorefront(
        shop(),
        async (watched, page) => {
          await page.getByRole("button", { name: "Add to cart: mTLS Keychain" }).click();
          await waitFor("the keychain in the cart", async () => (await cartCount(page)) === "1");
          await page.getByRole("button", { name: "Check out" }).click();
          await page.locator("#confirmation").waitFor({ state: "visible" });
          expect(await page.locator("#confirmation [data-payment-version]").textContent()).to.equal("v2");

          process.kill(shop().pids.cart, "SIGKILL");
          expect((await shop().unexpectedExit).service).to.equal("cart");

          await page.getByRole("button", { name: "Add to cart: mTLS Keychain" }).click();
          await expectNotice(
            page.locator(".product-card", { hasText: "mTLS Keychain" }).locator("[role=alert]"),
            "That wasn't added to your cart.",
            "The cart service is unavailable right now. Nothing was changed. Please try again in a moment.",
          );
          expect(await page.locator(".product-card").count(), "the products stay").to.equal(8);

          await page.reload();
          const alert = page.locator("#cart-notice [role=alert]");
          await expectNotice(alert, "We couldn't load your cart.", "The cart service is unavailable right now. Please try again in a moment.");
          expect(await alert.getByRole("button", { name: "Try again" }).isVisible()).to.equal(true);
          expect(await page.locator("#cart-empty").isHidden(), "an unknown cart is not called empty").to.equal(true);
          expect(await page.locator("#cart-total").textContent()).to.equal("—");
          expect(await page.locator("#checkout").isDisabled()).to.equal(true);
          await page.locator(".product-card").first().waitFor();
          expect(await page.locator(".product-card").count(), "the catalog still answers").to.equal(8);
          await finish(watched, "service-down.png", { console: false });
        },
      ));
  });

  describe("the checks themselves", () => {
    it("the contrast audit flags text below AA and passes text above it", async () => {
      const watched = await openPage(browser);
      try {
        await watched.page.setContent(
          '<main><p id="low" style="color:#999;background:#fff">grey on white</p><p style="color:#595959;background:#fff">dark grey on white</p>' +
            '<h1 style="color:#8a8a8a;background:#fff;font-size:32px">large grey</h1></main>',
        );
        const report = await auditContrast(watched.page);
        expect(report.checked).to.equal(3);
        expect(report.failures.map((finding) => finding.text)).to.deep.equal(["grey on white"]);
        expect(report.failures[0]!.ratio).to.be.closeTo(2.85, 0.01);
      } finally {
        await watched.close();
      }
    });
  });
});
