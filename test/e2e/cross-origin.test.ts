// CSRF in a real browser: a page served from another 127.0.0.1 port (same
// site, another origin, as an attacker's page on a sibling host would be)
// tries to change a shopper's cart through the gateway — fetch in no-cors
// mode and a plain form post, the two requests a page may send anywhere
// without asking. The gateway refuses both with 403 and the cart is what it
// was; the storefront's own requests (same origin) still work.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import type { Browser, Response as PageResponse } from "playwright-core";
import { startShop, type Shop } from "../../scripts/launcher/start-shop";
import { bundle } from "../support/test-dist";
import { launchChromium, openPage } from "./support/browser";

/** The attacker's page: two scripted cross-origin POSTs, and a form to post. */
function attackerPage(gateway: string, victim: string): string {
  const cart = `${gateway}/api/cart/${victim}`;
  return `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="checkout" method="POST" action="${cart}/checkout" target="sink"></form>
<script>
  // the answers are opaque, or blocked by the shop's Cross-Origin-Resource-Policy: the requests went out all the same
  window.attack = () => Promise.allSettled([
    fetch(${JSON.stringify(`${cart}/add`)}, { method: "POST", mode: "no-cors", body: JSON.stringify({ product_id: "2", quantity: 5 }), headers: { "content-type": "text/plain" } }),
    fetch(${JSON.stringify(`${cart}/checkout`)}, { method: "POST", mode: "no-cors" }),
  ]).then(() => "sent");
</script></body></html>`;
}

function serve(html: string): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(html);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("e2e: another origin's page cannot change a shopper's cart (Chromium)", function () {
  this.timeout(120_000);
  let shop: Shop;
  let browser: Browser;

  before(async function () {
    this.timeout(90_000);
    shop = await startShop({ distDir: await bundle(), ports: "free" });
    browser = await launchChromium();
  });
  after(async function () {
    this.timeout(30_000);
    await browser?.close();
    await shop?.stop();
  });

  it("fetch (no-cors) and a form post from another port are refused with 403; the cart and orders are unchanged", async () => {
    const gateway = shop.urls.gateway;
    const victim = `csrf-victim-${process.pid}`;
    const added = await fetch(`${gateway}/api/cart/${victim}/add`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ product_id: "1", quantity: 1 }) });
    expect(added.status, "a client that sends no Origin (curl, the load generator) may add").to.equal(200);
    const before = await (await fetch(`${gateway}/api/cart/${victim}`)).json();

    const attacker = await serve(attackerPage(gateway, victim));
    const watched = await openPage(browser);
    try {
      const sent: string[] = [];
      watched.page.on("request", (request) => {
        if (request.url().startsWith(`${gateway}/api/`)) sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
      });
      await watched.page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      expect(await watched.page.evaluate(() => (window as unknown as { attack(): Promise<string> }).attack())).to.equal("sent");
      const formPosted = watched.page.waitForResponse((response) => response.url().endsWith("/checkout") && response.request().frame().name() === "sink");
      await watched.page.evaluate(() => (document.getElementById("checkout") as HTMLFormElement).submit());
      const form: PageResponse = await formPosted;
      expect(sent.sort(), "the browser sent all three").to.deep.equal([`POST /api/cart/${victim}/add`, `POST /api/cart/${victim}/checkout`, `POST /api/cart/${victim}/checkout`]);
      expect(form.status(), "the form post").to.equal(403);
    } finally {
      await watched.close();
      await new Promise((resolve) => attacker.close(resolve));
    }
    expect(await (await fetch(`${gateway}/api/cart/${victim}`)).json(), "the cart is what it was").to.deep.equal(before);
    expect((await (await fetch(`${gateway}/api/orders?user_id=${victim}`)).json()).orders, "no order was placed").to.deep.equal([]);
  });

  it("the storefront's own page still changes the cart (same origin)", async () => {
    const gateway = shop.urls.gateway;
    const watched = await openPage(browser);
    try {
      await watched.page.goto(`${gateway}/`);
      const status = await watched.page.evaluate(async (url) => (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ product_id: "1", quantity: 1 }) })).status, `${gateway}/api/cart/csrf-own-${process.pid}/add`);
      expect(status).to.equal(200);
    } finally {
      await watched.close();
    }
  });
});
