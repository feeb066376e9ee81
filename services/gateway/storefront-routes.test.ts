import { createHash } from "node:crypto";
import { expect } from "chai";
import { testKit } from "../../test/support/kit";
import { testStorefront } from "../../test/support/test-storefront";
import type { ServiceApp } from "../kit/service-app";
import { Upstream } from "../kit/http-client";
import { createGatewayApp } from "./gateway-app";
import { matchesEtag } from "./storefront-routes";
import { ASSET_CACHE_CONTROL } from "./storefront/assets";

/** Every directive of a Content-Security-Policy header, by name. */
function directives(csp: string | null): Map<string, string[]> {
  return new Map(
    (csp ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectSecurityHeaders(response: Response, what: string): void {
  const csp = directives(response.headers.get("content-security-policy"));
  expect(csp.get("default-src"), what).to.deep.equal(["'self'"]);
  expect(csp.get("script-src"), what).to.deep.equal(["'self'"]);
  expect(csp.get("style-src"), what).to.deep.equal(["'self'"]);
  expect(csp.get("object-src"), what).to.deep.equal(["'none'"]);
  expect(csp.get("base-uri"), what).to.deep.equal(["'none'"]);
  expect(csp.get("form-action"), what).to.deep.equal(["'self'"]);
  expect(csp.get("frame-ancestors"), what).to.deep.equal(["'none'"]);
  expect(csp.get("require-trusted-types-for"), what).to.deep.equal(["'script'"]);
  expect(response.headers.get("content-security-policy"), what).not.to.match(/unsafe-|data:|\*/);
  expect(response.headers.get("x-content-type-options"), what).to.equal("nosniff");
  expect(response.headers.get("referrer-policy"), what).to.equal("no-referrer");
  expect(response.headers.get("x-frame-options"), what).to.equal("DENY");
  expect(response.headers.get("cross-origin-opener-policy"), what).to.equal("same-origin");
  expect(response.headers.get("cross-origin-resource-policy"), what).to.equal("same-origin");
  expect(response.headers.get("permissions-policy"), what).to.include("camera=()");
  expect(response.headers.get("strict-transport-security"), `${what}: HSTS is the TLS ingress's job`).to.equal(null);
}

describe("gateway storefront (app.request)", () => {
  let app: ServiceApp;
  let page: string;

  before(async () => {
    // upstreams on a closed port: the storefront never calls them
    const upstream = (name: string) => new Upstream({ name, baseUrl: "http://127.0.0.1:9", timeoutMs: 500, retries: 0 });
    app = createGatewayApp({ kit: testKit("gateway").kit, upstream, storefront: await testStorefront() });
    page = await (await app.request("/")).text();
  });

  const assetUrls = () => [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);

  it("GET / is the page, revalidated every time (no-cache + strong ETag), with the security headers", async () => {
    const response = await app.request("/");
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.equal("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).to.equal("no-cache");
    expect(response.headers.get("etag")).to.match(/^"[0-9a-f]{16}"$/);
    expectSecurityHeaders(response, "GET /");
    expect(await response.text()).to.include("<title>meshmart");
  });

  it("answers a matching If-None-Match with an empty 304", async () => {
    const etag = (await app.request("/")).headers.get("etag")!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const response = await app.request("/", { headers: { "if-none-match": header } });
      expect(response.status, header).to.equal(304);
      expect(await response.text(), header).to.equal("");
      expect(response.headers.get("etag"), header).to.equal(etag);
    }
    expect((await app.request("/", { headers: { "if-none-match": '"stale"' } })).status).to.equal(200);
  });

  it("has no inline script, style or event handler, so the CSP needs no 'unsafe-inline'", () => {
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts, "one script").to.have.length(1);
    expect(scripts[0]![1], "loaded from a file").to.match(/^ type="module" src="\/assets\/app\.[0-9a-f]{16}\.js"$/);
    expect(scripts[0]![2], "with no inline code").to.equal("");
    expect(page).not.to.match(/<style\b/i);
    expect(page).not.to.match(/\sstyle=/i);
    expect(page).not.to.match(/\son[a-z]+=/i);
    expect(page).not.to.match(/javascript:/i);
  });

  it("links a content-hashed script, stylesheet and icon, each served for a year as immutable", async () => {
    const urls = assetUrls();
    expect(urls.map((url) => url.replace(/\.[0-9a-f]{16}\./, ".*."))).to.have.members(["/assets/app.*.js", "/assets/styles.*.css", "/assets/favicon.*.svg"]);
    for (const url of urls) {
      const response = await app.request(url);
      expect(response.status, url).to.equal(200);
      expect(response.headers.get("cache-control"), url).to.equal(ASSET_CACHE_CONTROL);
      expect(response.headers.get("cache-control"), url).to.equal("public, max-age=31536000, immutable");
      expectSecurityHeaders(response, url);
      const body = await response.text();
      const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
      expect(url, "the name carries the hash of the content").to.include(`.${hash}.`);
      expect(response.headers.get("etag"), url).to.equal(`"${hash}"`);
      expect((await app.request(url, { headers: { "if-none-match": `"${hash}"` } })).status, url).to.equal(304);
    }
    const types = await Promise.all(urls.map(async (url) => (await app.request(url)).headers.get("content-type")));
    expect(types).to.have.members(["text/javascript; charset=utf-8", "text/css; charset=utf-8", "image/svg+xml"]);
  });

  it("answers an unknown asset or an old hash with a JSON 404, security headers included", async () => {
    for (const path of ["/assets/app.0000000000000000.js", "/assets/nothing", "/assets/", "/index.html"]) {
      const response = await app.request(path);
      expect(response.status, path).to.equal(404);
      expect((await response.json()).error.code, path).to.equal("not_found");
      expectSecurityHeaders(response, path);
    }
  });

  it("puts the security headers on /api answers too, errors included", async () => {
    const response = await app.request("/api/payments");
    expect(response.status).to.equal(404);
    expectSecurityHeaders(response, "/api/payments");
    const unreachable = await app.request("/api/products");
    expect(unreachable.status).to.equal(503);
    expectSecurityHeaders(unreachable, "/api/products with catalog down");
  });

  it("answers HEAD / with the page's headers and no body; POST / is a 405", async () => {
    const head = await app.request("/", { method: "HEAD" });
    expect(head.status).to.equal(200);
    expect(head.headers.get("etag")).to.match(/^"[0-9a-f]{16}"$/);
    expect(await head.text()).to.equal("");
    const post = await app.request("/", { method: "POST" });
    expect(post.status).to.equal(405);
  });

  describe("matchesEtag", () => {
    it("matches the tag, its weak form, one of a list, and *", () => {
      expect(matchesEtag('"abc"', '"abc"')).to.equal(true);
      expect(matchesEtag('W/"abc"', '"abc"')).to.equal(true);
      expect(matchesEtag('"x", "abc"', '"abc"')).to.equal(true);
      expect(matchesEtag("*", '"abc"')).to.equal(true);
    });
    it("does not match another tag or no header", () => {
      expect(matchesEtag('"abd"', '"abc"')).to.equal(false);
      expect(matchesEtag(undefined, '"abc"')).to.equal(false);
      expect(matchesEtag("", '"abc"')).to.equal(false);
    });
  });
});
