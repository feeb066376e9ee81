import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { createGatewayApp } from "../../services/gateway/gateway-app";
import type { GatewayUpstream } from "../../services/gateway/public-api";
import type { Upstream } from "../../services/kit/http-client";
import type { RunningServer } from "../../services/kit/server";
import { backendUrl, startBackend, type Backend } from "../support/backend";
import { closedUrl, hangs, rawServer, type RawServer } from "../support/loopback-http";
import { testKit } from "../support/kit";
import { testStorefront } from "../support/test-storefront";
import { sampleValue } from "../support/prometheus-text";
import { postJson, redisSuite } from "../support/services";

type Name = GatewayUpstream;

describe("gateway over HTTP in front of the real backend", function () {
  const { redis, stack } = redisSuite();
  let backend: Backend;
  let gateway: RunningServer;

  /** A gateway whose upstreams are the backend's, except `overrides`. */
  async function startGateway(overrides: Partial<Record<Name, string>> = {}, timeoutMs = 1_000): Promise<RunningServer> {
    const upstream = (name: Name): Upstream => stack.upstream(name, overrides[name] ?? backendUrl(backend, name), { timeoutMs });
    return stack.serve(createGatewayApp({ kit: testKit("gateway").kit, upstream, storefront: await testStorefront() }));
  }

  beforeEach(async () => {
    backend = await startBackend(stack, redis.url);
    gateway = await startGateway();
  });

  it("serves the storefront at /, next to the API", async () => {
    const response = await fetch(`${gateway.url}/`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/html/);
    expect(await response.text()).to.match(/<script type="module" src="\/assets\/app\.[0-9a-f]{16}\.js">/);
  });

  it("proxies /api/products, /api/users and /api/orders to the services, unchanged", async () => {
    for (const [path, direct] of [
      ["/api/products", `${backend.urls.catalog}/products`],
      ["/api/products/3", `${backend.urls.catalog}/products/3`],
      ["/api/users", `${backend.urls.users}/users`],
      ["/api/orders/1", `${backend.urls.orders}/orders/1`],
    ] as const) {
      const [via, straight] = await Promise.all([fetch(`${gateway.url}${path}`), fetch(direct)]);
      expect(via.status, path).to.equal(200);
      expect(await via.text(), path).to.equal(await straight.text());
    }
    expect(await (await fetch(`${gateway.url}/api/users/1`)).text()).to.equal('{"id":1,"name":"Alice"}');
    expect((await (await fetch(`${gateway.url}/api/orders/1`)).json()).user).to.deep.equal({ id: 1, name: "Alice" });
  });

  it("POST /api/cart/user123/add works through the gateway, query strings and errors pass through", async () => {
    const added = await postJson(`${gateway.url}/api/cart/user123/add`, { product_id: "1", quantity: 2 });
    expect(added.status).to.equal(200);
    expect((await added.json()).items).to.deep.equal([{ product_id: "1", quantity: 2 }]);
    expect((await (await fetch(`${backend.urls.cart}/cart/user123`)).json()).items).to.deep.equal([{ product_id: "1", quantity: 2 }]);
    const bad = await postJson(`${gateway.url}/api/cart/user123/add`, { product_id: "1", quantity: -1 });
    expect(bad.status).to.equal(400);
    expect((await bad.json()).error.code).to.equal("validation_failed");
    const checkout = await fetch(`${gateway.url}/api/cart/user123/checkout`, { method: "POST" });
    expect(checkout.status).to.equal(201);
    const { orders } = await (await fetch(`${gateway.url}/api/orders?user_id=user123`)).json();
    expect(orders).to.have.length(1);
  });

  it("never routes to payment or notifications, however the path is written", async () => {
    const paths = [
      "/api/payments",
      "/api/payments/1",
      "/api/notifications/user123",
      "/api/products/../payments",
      "/api/products/%2e%2e/payments",
      "/api",
      "/api/productsX",
      "/payments",
    ];
    for (const path of paths) {
      for (const method of ["GET", "POST"]) {
        const response = await fetch(`${gateway.url}${path}`, { method, body: method === "POST" ? "{}" : undefined, headers: { "content-type": "application/json" } });
        expect(response.status, `${method} ${path}`).to.equal(404);
        expect((await response.json()).error.code, `${method} ${path}`).to.equal("not_found");
      }
    }
    // encoded separators stay inside one segment of the cart's path: cart answers, never payment
    const smuggled = await fetch(`${gateway.url}/api/cart/..%2F..%2Fpayments`);
    expect(smuggled.status).to.be.oneOf([400, 404]);
    for (const service of ["payment", "notifications"] as const) {
      const metrics = await (await backend.apps[service].request("/metrics")).text();
      expect(sampleValue(metrics, "http_requests_total", { route: service === "payment" ? "/payments" : "/notifications" }), service).to.equal(0);
    }
  });

  describe("against a recording upstream", () => {
    let upstream: RawServer;
    beforeEach(async () => {
      upstream = await rawServer((req, res) => {
        if (req.url?.startsWith("/products/big")) {
          res.writeHead(200, { "content-type": "application/octet-stream" });
          for (let i = 0; i < 64; i++) res.write(Buffer.alloc(16_384, i));
          res.end();
          return;
        }
        if (req.url?.startsWith("/products/fail")) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end('{"error":{"code":"injected_fault","message":"boom"}}');
          return;
        }
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json", "x-upstream": "yes", "keep-alive": "timeout=99", "x-hop": "drop me", connection: "x-hop" });
          res.end(JSON.stringify({ url: req.url, body }));
        });
      });
      stack.defer(() => upstream.close());
    });

    it("forwards only the allowlisted client headers (valid trace context, content-type, accept), sets x-forwarded-* itself, drops hop-by-hop ones both ways", async () => {
      const proxy = await startGateway({ cart: upstream.url });
      const trace = {
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        tracestate: "congo=t61rcWkgMzE",
        b3: "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
        "x-b3-traceid": "80f198ee56343ba864fe8b2a57d3eff7",
        "x-b3-spanid": "e457b5a2e4d86bd1",
        "x-b3-parentspanid": "05e3ac9a4f6e3b90",
        "x-b3-sampled": "1",
        "x-request-id": "gw-req-1",
      };
      const untrusted = {
        authorization: "Bearer t",
        cookie: "session=1",
        "idempotency-key": "chosen-by-the-client",
        "x-forwarded-for": "6.6.6.6",
        "x-forwarded-host": "evil.example",
        "x-forwarded-proto": "https",
        "x-real-ip": "6.6.6.6",
        "x-request-timeout-ms": "600000",
        "x-meshmart-caller": "cart",
        "x-ot-span-context": "abc",
        baggage: "k=v",
        "x-secret-hop": "no",
      };
      const response = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = httpRequest(`${proxy.url}/api/cart/u1/add?x=1`, {
          method: "POST",
          headers: { ...trace, ...untrusted, "content-type": "application/json", accept: "application/json", connection: "keep-alive, x-secret-hop", te: "trailers" },
        });
        req.on("response", (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.end('{"hello":"world"}');
      });
      expect(response.status).to.equal(200);
      expect(JSON.parse(response.body)).to.deep.equal({ url: "/cart/u1/add?x=1", body: '{"hello":"world"}' });
      const seen = upstream.requests[0]!.headers;
      const host = new URL(proxy.url).host;
      expect(seen).to.include({ ...trace, "content-type": "application/json", accept: "application/json", "x-forwarded-for": "127.0.0.1", "x-forwarded-proto": "http", "x-forwarded-host": host });
      for (const name of ["authorization", "cookie", "idempotency-key", "x-meshmart-caller", "x-real-ip", "x-ot-span-context", "baggage", "x-secret-hop", "te"]) expect(seen, name).not.to.have.property(name);
      expect(Number(seen["x-request-timeout-ms"]), "the deadline is the gateway's own").to.be.below(600_000);
      expect(response.headers["x-upstream"]).to.equal("yes");
      expect(response.headers["x-request-id"]).to.equal("gw-req-1");
      expect(response.headers["cache-control"]).to.equal("no-store");
      expect(response.headers).not.to.have.property("x-hop");
      expect(response.headers["keep-alive"], "the upstream's own keep-alive stays there").not.to.equal("timeout=99");
    });

    it("drops trace headers that are not in their format instead of passing them on", async () => {
      const proxy = await startGateway({ catalog: upstream.url });
      const bad = {
        traceparent: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        tracestate: Array.from({ length: 40 }, (_, i) => `k${i}=v`).join(","),
        b3: "x".repeat(300),
        "x-b3-traceid": "not-hex",
        "x-request-id": "has spaces",
      };
      const response = await fetch(`${proxy.url}/api/products/1`, { headers: bad });
      expect(response.status).to.equal(200);
      const seen = upstream.requests[0]!.headers;
      for (const name of ["traceparent", "tracestate", "b3", "x-b3-traceid"]) expect(seen, name).not.to.have.property(name);
      expect(seen["x-request-id"]).to.match(/^[A-Za-z0-9._-]{1,128}$/).and.not.equal("has spaces");
    });

    it("streams large bodies through", async () => {
      const proxy = await startGateway({ catalog: upstream.url });
      const response = await fetch(`${proxy.url}/api/products/big`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(bytes.length).to.equal(64 * 16_384);
      expect(bytes[16_384 * 5]).to.equal(5);
    });

    it("answers an upstream 5xx with a generic public error (code, plain message, request id) after one retry of a GET", async () => {
      const proxy = await startGateway({ catalog: upstream.url });
      const get = await fetch(`${proxy.url}/api/products/fail`, { headers: { "x-request-id": "fail-1" } });
      expect(get.status).to.equal(500);
      expect(get.headers.get("cache-control")).to.equal("no-store");
      const body = await get.json();
      expect(body).to.deep.equal({ error: { code: "injected_fault", message: body.error.message, request_id: "fail-1" } });
      expect(body.error.message).to.match(/^[A-Z][A-Za-z ,.']+$/).and.not.include("boom");
      expect(upstream.requests.filter((r) => r.url === "/products/fail")).to.have.length(2);
    });
  });

  it("keeps internal detail out of public 5xx bodies: upstream down or hanging, and a 4xx gets the request id too", async () => {
    const hanging = await hangs();
    stack.defer(() => hanging.close());
    const proxy = await startGateway({ users: await closedUrl(), orders: hanging.url }, 400);
    for (const [path, status, code] of [
      ["/api/users/1", 503, "upstream_unavailable"],
      ["/api/orders/1", 504, "upstream_timeout"],
    ] as const) {
      const response = await fetch(`${proxy.url}${path}`, { headers: { "x-request-id": `gen-${status}` } });
      expect(response.status, path).to.equal(status);
      const { error } = await response.json();
      expect(Object.keys(error).sort(), path).to.deep.equal(["code", "message", "request_id"]);
      expect(error, path).to.include({ code, request_id: `gen-${status}` });
      expect(error.message, path).not.to.match(/users|orders|ECONNREFUSED|\d+ ms|GET/);
    }
    const missing = await (await fetch(`${proxy.url}/api/products/999`, { headers: { "x-request-id": "gen-404" } })).json();
    expect(missing.error).to.include({ code: "product_not_found", request_id: "gen-404" });
  });

  it("upstream down → 503, upstream hanging → 504 within the timeout, as JSON", async () => {
    const hanging = await hangs();
    stack.defer(() => hanging.close());
    const proxy = await startGateway({ users: await closedUrl(), orders: hanging.url }, 400);
    const down = await fetch(`${proxy.url}/api/users/1`);
    expect(down.status).to.equal(503);
    expect((await down.json()).error.code).to.equal("upstream_unavailable");
    const started = Date.now();
    const slow = await fetch(`${proxy.url}/api/orders/1`);
    expect(slow.status).to.equal(504);
    expect((await slow.json()).error.code).to.equal("upstream_timeout");
    expect(Date.now() - started).to.be.within(350, 2_500);
    expect((await fetch(`${proxy.url}/readyz`)).status, "upstreams are not readiness dependencies").to.equal(200);
  });

  it("labels its metrics with the proxy route templates", async () => {
    await fetch(`${gateway.url}/api/products/1`);
    await fetch(`${gateway.url}/api/products/2`);
    await fetch(`${gateway.url}/api/payments`);
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(sampleValue(text, "http_requests_total", { route: "/api/products/:id", status: "200" })).to.equal(2);
    expect(sampleValue(text, "http_requests_total", { route: "unmatched", status: "404" })).to.equal(1);
  });
});
