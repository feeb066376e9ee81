/**
 * Traces end to end, on the local shop as `npm start` runs it (the bundled
 * services as processes, their own redis-server with the cluster's ACL
 * users), exporting to an OTLP/HTTP receiver in this process:
 *
 * - one checkout through the gateway is one connected trace: spans from
 *   gateway, cart, catalog, payment, orders and notifications, one root (the
 *   gateway's server span), every other span's parent in the trace, the
 *   event's consumer span the child of the order's producer span;
 * - a client's well-formed traceparent is continued at the edge; a
 *   malformed one is dropped and a new trace starts; the same for the
 *   traceparent field of an `events` entry;
 * - a 5xx fails the spans on both sides of the call, and a retry is a span
 *   of its own;
 * - with the sampling ratio at 0 nothing is exported, not even for a client
 *   that asks for sampling (the edge does not take a caller's word for it);
 * - a collector that accepts connections and never answers fails no
 *   request, and a stopping service gives up flushing at the bound;
 * - a bad sampler setting stops a service at start, naming the variable;
 * - `npm start` passes the OTLP endpoint and sampler on to the services;
 * - with no endpoint configured nothing is traced: no span ids in the logs,
 *   and the trace headers are passed on by hand, unchanged.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { startShop, type Shop } from "../../scripts/launcher/start-shop";
import { TRACE_FLUSH_TIMEOUT_MS } from "../../services/kit/run";
import type { ServiceName } from "../../services/topology";
import { bundle } from "../support/test-dist";
import { OTLP_SPAN_KIND, OTLP_STATUS, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";
import { startTestRedis, type TestRedis } from "../support/test-redis";
import { postJson } from "../support/services";
import { waitFor } from "../support/wait";
import { activeMutant } from "../support/active-mutant";

/** Every service a checkout touches, by the name its spans carry (OTEL_SERVICE_NAME defaults to it). */
const CHECKOUT_SERVICES: readonly ServiceName[] = ["gateway", "cart", "catalog", "payment", "orders", "notifications"];

interface LoggedShop {
  readonly shop: Shop;
  /** Every JSON line each service wrote. */
  readonly lines: Map<ServiceName, Record<string, unknown>[]>;
}

async function startLoggedShop(env: Record<string, string>, redisUrl?: string): Promise<LoggedShop> {
  const lines = new Map<ServiceName, Record<string, unknown>[]>();
  const shop = await startShop({
    distDir: await bundle(),
    ports: "free",
    env,
    ...(redisUrl ? { redisUrl } : {}),
    onLog: (service, line) => {
      try {
        const list = lines.get(service) ?? [];
        list.push(JSON.parse(line) as Record<string, unknown>);
        lines.set(service, list);
      } catch {
        // not JSON: not a log line of ours
      }
    },
  });
  return { shop, lines };
}

/** The access-log line `service` wrote for request id `requestId` (the gateway echoes and forwards the id). */
function accessLine(shop: LoggedShop, service: ServiceName, requestId: string): Record<string, unknown> | undefined {
  return shop.lines.get(service)?.find((line) => line.msg === "request" && line.request_id === requestId);
}

async function checkout(gateway: string, user: string, requestId: string): Promise<void> {
  const added = await postJson(`${gateway}/api/cart/${user}/add`, { product_id: "1", quantity: 2 });
  expect(added.status, await added.clone().text()).to.equal(200);
  const done = await fetch(`${gateway}/api/cart/${user}/checkout`, { method: "POST", headers: { "x-request-id": requestId } });
  expect(done.status, await done.clone().text()).to.equal(201);
}

/** A span's messaging.* attributes, whole. */
function messagingAttributes(span: ReceivedSpan | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(span?.attributes ?? {}).filter(([key]) => key.startsWith("messaging.")));
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

describe("tracing: one checkout is one trace, gateway to notifications", function () {
  this.timeout(120_000);

  describe("exporting to an OTLP endpoint", () => {
    let receiver: OtlpReceiver;
    let running: LoggedShop;
    let stopped = false;

    before(async function () {
      this.timeout(90_000);
      receiver = await startOtlpReceiver();
      running = await startLoggedShop({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: "parentbased_always_on" });
    });
    after(async () => {
      if (!stopped) await running?.shop.stop();
      await receiver?.close();
    });

    const spansOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);

    it("connects gateway, cart, catalog, payment, orders and notifications in one trace, one root at the gateway, every parent in the trace", async () => {
      const requestId = `trace-checkout-${randomHex(4)}`;
      await checkout(running.shop.urls.gateway, "tracer", requestId);
      const logged = await waitFor("the gateway's access line", () => accessLine(running, "gateway", requestId));
      const traceId = String(logged.trace_id);
      expect(traceId, "the access log names the request's trace").to.match(/^[0-9a-f]{32}$/);
      // the event is consumed asynchronously; its span arrives with notifications' next export
      await waitFor("notifications' consumer span in the checkout's trace", () => spansOf(traceId).some((s) => s.service === "notifications" && s.kind === OTLP_SPAN_KIND.consumer), { timeoutMs: 20_000, intervalMs: 100 });
      // stopping flushes what every service still holds
      await running.shop.stop();
      stopped = true;
      expect(receiver.refused, "every export was OTLP JSON at /v1/traces").to.deep.equal([]);

      const spans = spansOf(traceId);
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      expect(new Set(spans.map((s) => s.service))).to.include.all.keys(...CHECKOUT_SERVICES);

      const roots = spans.filter((s) => s.parentSpanId === undefined);
      expect(roots.map((s) => `${s.service} ${s.name}`)).to.deep.equal(["gateway POST /api/cart/:userId/checkout"]);
      expect(roots[0]!.kind).to.equal(OTLP_SPAN_KIND.server);
      expect(roots[0]!.spanId, "the access line's span is the root").to.equal(logged.span_id);
      const { "http.request.method": method, "url.path": path, "url.scheme": scheme, "http.route": route } = roots[0]!.attributes;
      expect({ method, path, scheme, route }, "the request as the gateway received it, over plain HTTP").to.deep.equal({
        method: "POST",
        path: "/api/cart/tracer/checkout",
        scheme: "http",
        route: "/api/cart/:userId/checkout",
      });
      expect(spans.filter((s) => s.statusCode === OTLP_STATUS.error).map((s) => `${s.service} ${s.name}`), "a healthy checkout has no failed span").to.deep.equal([]);
      const orphans = spans.filter((s) => s.parentSpanId !== undefined && !byId.has(s.parentSpanId));
      expect(orphans.map((s) => `${s.service} ${s.name} → ${s.parentSpanId}`), "spans whose parent is not in the trace").to.deep.equal([]);

      // each hop: a client span in the caller, the callee's server span its child, named by the route template
      const serverOf = (service: ServiceName, name: string) => spans.find((s) => s.service === service && s.kind === OTLP_SPAN_KIND.server && s.name === name);
      for (const [caller, service, name] of [
        ["gateway", "cart", "POST /cart/:userId/checkout"],
        ["cart", "catalog", "GET /products/:id"],
        ["cart", "payment", "POST /payments"],
        ["cart", "orders", "POST /orders"],
      ] as const) {
        const server = serverOf(service, name);
        expect(server, `${service}'s server span "${name}"`).not.to.equal(undefined);
        const client = byId.get(server!.parentSpanId!);
        expect(client?.service, `the parent of ${service}'s span`).to.equal(caller);
        expect(client?.kind).to.equal(OTLP_SPAN_KIND.client);
        expect(client?.attributes["http.request.method"]).to.equal(name.split(" ")[0]);
        expect(server!.attributes["http.route"]).to.equal(name.split(" ")[1]);
        expect(server!.attributes["url.scheme"], "every service serves plain HTTP").to.equal("http");
        expect(server!.attributes["http.response.status_code"]).to.be.within(200, 299);
        expect(client?.attributes["http.response.status_code"], "the caller saw what the callee answered").to.equal(server!.attributes["http.response.status_code"]);
        expect(server!.statusCode).to.equal(OTLP_STATUS.unset);
      }
      expect(spans.find((s) => s.service === "payment")?.version, "payment's spans say which version served").to.equal("v1");

      // the asynchronous hop: orders' producer span, notifications' consumer span its child
      // (messaging attributes and span names as OpenTelemetry's messaging conventions spell them: "{operation} {destination}")
      const producer = spans.find((s) => s.service === "orders" && s.kind === OTLP_SPAN_KIND.producer);
      expect(producer?.name).to.equal("send events");
      expect(messagingAttributes(producer)).to.deep.equal({
        "messaging.system.name": "redis",
        "messaging.destination.name": "events",
        "messaging.operation.type": "send",
        "messaging.operation.name": "send",
      });
      const consumer = spans.find((s) => s.service === "notifications" && s.kind === OTLP_SPAN_KIND.consumer);
      expect(consumer?.name).to.equal("process events");
      expect(consumer?.parentSpanId, "the consumer's parent is the producer").to.equal(producer?.spanId);
      const entryId = consumer?.attributes["messaging.message.id"];
      expect(entryId, "the stream entry's id").to.be.a("string").and.match(/^\d+-\d+$/);
      expect(messagingAttributes(consumer)).to.deep.equal({
        "messaging.system.name": "redis",
        "messaging.destination.name": "events",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.consumer.group.name": "notifications",
        "messaging.message.id": entryId,
      });

      // Redis: a span per command, in the services that keep state, under their request or event
      const redis = spans.filter((s) => s.attributes["db.system.name"] === "redis");
      expect(new Set(redis.map((s) => s.service))).to.include.all.keys("cart", "payment", "orders", "notifications");
      for (const s of redis) {
        expect(s.kind).to.equal(OTLP_SPAN_KIND.client);
        expect(s.name, "named by the command").to.equal(s.attributes["db.operation.name"]);
        expect(s.name).to.match(/^[A-Z]+$/);
      }
      expect(redis.some((s) => s.service === "notifications" && s.name === "XACK" && s.parentSpanId === consumer?.spanId), "the ack is part of handling the event").to.equal(true);
    });
  });

  describe("trace context from outside: a client's headers, a stream entry's field", () => {
    let receiver: OtlpReceiver;
    let redis: TestRedis;
    let running: LoggedShop;

    before(async function () {
      this.timeout(90_000);
      [receiver, redis] = await Promise.all([startOtlpReceiver(), startTestRedis()]);
      running = await startLoggedShop({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, redis.url);
    });
    after(async () => {
      await running?.shop.stop();
      await receiver?.close();
      await redis?.close();
    });

    async function browse(headers: Record<string, string>): Promise<{ traceId: string; gateway: ReceivedSpan; catalog: ReceivedSpan }> {
      const requestId = `trace-edge-${randomHex(4)}`;
      const answer = await fetch(`${running.shop.urls.gateway}/api/products/1`, { headers: { ...headers, "x-request-id": requestId } });
      expect(answer.status).to.equal(200);
      const line = await waitFor("the gateway's access line", () => accessLine(running, "gateway", requestId));
      const traceId = String(line.trace_id);
      const gateway = await waitFor("the gateway's span", () => receiver.spans.find((s) => s.traceId === traceId && s.service === "gateway" && s.kind === OTLP_SPAN_KIND.server), { timeoutMs: 15_000, intervalMs: 100 });
      const catalog = await waitFor("catalog's span", () => receiver.spans.find((s) => s.traceId === traceId && s.service === "catalog" && s.kind === OTLP_SPAN_KIND.server), { timeoutMs: 15_000, intervalMs: 100 });
      return { traceId, gateway, catalog };
    }

    it("continues a well-formed traceparent: same trace id, the client's span as the gateway span's parent", async () => {
      const clientTrace = randomHex(16);
      const clientSpan = randomHex(8);
      const { traceId, gateway, catalog } = await browse({ traceparent: `00-${clientTrace}-${clientSpan}-01` });
      expect(traceId).to.equal(clientTrace);
      expect(gateway.parentSpanId).to.equal(clientSpan);
      expect(gateway.name).to.equal("GET /api/products/:id");
      expect(receiver.spans.find((s) => s.spanId === catalog.parentSpanId)?.service, "catalog's parent is the gateway's call").to.equal("gateway");
    });

    it("drops a malformed traceparent and starts a new trace at the gateway", async () => {
      const clientTrace = randomHex(16);
      const clientSpan = randomHex(8);
      for (const bad of [`00-${clientTrace.toUpperCase()}-${clientSpan}-01`, `00-${clientTrace}-${clientSpan}-01-extra`, `00-${"0".repeat(32)}-${clientSpan}-01`]) {
        const { traceId, gateway } = await browse({ traceparent: bad });
        expect(traceId, bad).not.to.equal(clientTrace);
        expect(traceId).not.to.equal("0".repeat(32));
        expect(gateway.parentSpanId, `${bad}: the gateway's span is a root`).to.equal(undefined);
      }
    });

    it("joins an event's handling to the traceparent in its entry, and starts a trace of its own for a malformed one", async () => {
      const client = await redis.client();
      const producerTrace = randomHex(16);
      const producerSpan = randomHex(8);
      const event = { type: "order.created", order_id: "41", user_id: "streamer", total_cents: "100" };
      const joined = await client.xAdd("events", "*", { ...event, traceparent: `00-${producerTrace}-${producerSpan}-01` });
      const malformed = await client.xAdd("events", "*", { ...event, order_id: "42", traceparent: `00-${producerTrace.toUpperCase()}-${producerSpan}-01` });
      const consumerOf = (id: string) => receiver.spans.find((s) => s.kind === OTLP_SPAN_KIND.consumer && s.attributes["messaging.message.id"] === id);
      const first = await waitFor("the joined entry's consumer span", () => consumerOf(joined), { timeoutMs: 15_000, intervalMs: 100 });
      expect(first.traceId).to.equal(producerTrace);
      expect(first.parentSpanId).to.equal(producerSpan);
      const second = await waitFor("the malformed entry's consumer span", () => consumerOf(malformed), { timeoutMs: 15_000, intervalMs: 100 });
      expect(second.traceId).not.to.equal(producerTrace);
      expect(second.parentSpanId, "a root").to.equal(undefined);
    });
  });

  it("marks a 5xx failed on both sides of the call, and shows the retry as a span of its own", async function () {
    this.timeout(90_000);
    const receiver = await startOtlpReceiver();
    const running = await startLoggedShop({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, CATALOG_ERROR_RATE: "1" });
    try {
      const requestId = `trace-fault-${randomHex(4)}`;
      const answer = await fetch(`${running.shop.urls.gateway}/api/products/1`, { headers: { "x-request-id": requestId } });
      expect(answer.status).to.equal(500);
      const line = await waitFor("the gateway's access line", () => accessLine(running, "gateway", requestId));
      const inTrace = () => receiver.spans.filter((s) => s.traceId === line.trace_id);
      await waitFor("both attempts' spans", () => inTrace().filter((s) => s.service === "catalog").length === 2 && inTrace().some((s) => s.service === "gateway" && s.kind === OTLP_SPAN_KIND.server), { timeoutMs: 15_000, intervalMs: 100 });
      const spans = inTrace();
      const calls = spans.filter((s) => s.service === "gateway" && s.kind === OTLP_SPAN_KIND.client);
      expect(calls.map((s) => s.attributes["http.request.resend_count"] ?? 0).sort()).to.deep.equal([0, 1]);
      for (const s of [...calls, ...spans.filter((x) => x.service === "catalog")]) {
        expect(s.statusCode, `${s.service} ${s.name}`).to.equal(OTLP_STATUS.error);
        expect(s.attributes["http.response.status_code"]).to.equal(500);
        expect(s.attributes["error.type"]).to.equal("500");
      }
      const root = spans.find((s) => s.parentSpanId === undefined);
      expect(root?.name).to.equal("GET /api/products/:id");
      expect(root?.statusCode).to.equal(OTLP_STATUS.error);
    } finally {
      await running.shop.stop();
      await receiver.close();
    }
  });

  it("exports nothing with the sampling ratio at 0, even for a client asking for sampling; the spans still name their trace in the logs", async function () {
    this.timeout(90_000);
    const receiver = await startOtlpReceiver();
    const running = await startLoggedShop({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" });
    try {
      const requestId = `trace-ratio0-${randomHex(4)}`;
      await checkout(running.shop.urls.gateway, "unsampled", requestId);
      const sampledByClient = await fetch(`${running.shop.urls.gateway}/api/products/1`, { headers: { traceparent: `00-${randomHex(16)}-${randomHex(8)}-01` } });
      expect(sampledByClient.status).to.equal(200);
      const line = await waitFor("the gateway's access line", () => accessLine(running, "gateway", requestId));
      expect(line.trace_id, "tracing is on: the request had a (non-recording) span").to.match(/^[0-9a-f]{32}$/);
    } finally {
      await running.shop.stop(); // flushes whatever was queued
      await receiver.close();
    }
    expect(receiver.spans.map((s) => `${s.service} ${s.name}`)).to.deep.equal([]);
  });

  it("a collector that never answers fails no request, and costs a stopping service at most the flush bound", async function () {
    this.timeout(90_000);
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => {
      sockets.add(socket); // accepted, never answered
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const running = await startLoggedShop({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}` });
    try {
      for (let i = 0; i < 3; i++) await checkout(running.shop.urls.gateway, `patient-${i}`, `trace-hole-${i}-${randomHex(4)}`);
      // a span export is under way (every 2 s), stuck on the collector
      await waitFor("an export to reach the collector", () => sockets.size > 0, { timeoutMs: 15_000, intervalMs: 100 });
    } finally {
      const reports = await running.shop.stop();
      for (const socket of sockets) socket.destroy();
      blackHole.close();
      expect(reports.map((r) => `${r.service} ${r.code}`), "every service still exits 0").to.deep.equal(reports.map((r) => `${r.service} 0`));
    }
    const cut = [...running.lines.values()].flat().filter((line) => line.msg === "tracing: flush at shutdown cut short");
    expect(cut.length, "services gave up flushing at the bound instead of waiting on the collector").to.be.greaterThan(0);
    for (const line of cut) expect(line.timeout_ms).to.equal(TRACE_FLUSH_TIMEOUT_MS);
  });

  it("npm start (dist/launcher.mjs) passes the OTLP endpoint and sampler on to every service", async function () {
    this.timeout(90_000);
    const receiver = await startOtlpReceiver();
    const child = spawn(process.execPath, [join(await bundle(), "launcher.mjs")], {
      env: { PATH: process.env.PATH, SHOP_PORTS: "free", ...activeMutant(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "1" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor("the banner", () => output.includes("Ctrl-C stops everything.") || child.exitCode !== null, { timeoutMs: 60_000 });
      const gateway = /^ {2}gateway\s+(http:\/\/\S+)/m.exec(output)?.[1];
      expect(gateway, output).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${gateway}/api/users/1`)).status).to.equal(200);
      const spans = await waitFor("spans from the gateway and users", () => {
        const services = new Set(receiver.spans.map((s) => s.service));
        return services.has("gateway") && services.has("users") ? receiver.spans : undefined;
      }, { timeoutMs: 20_000, intervalMs: 100 });
      const users = spans.find((s) => s.service === "users" && s.kind === OTLP_SPAN_KIND.server)!;
      expect(spans.find((s) => s.spanId === users.parentSpanId)?.service, "one trace across the launcher's processes").to.equal("gateway");
    } finally {
      child.kill("SIGTERM");
      expect(await exited, output).to.equal(0);
      await receiver.close();
    }
  });

  it("refuses to start with a bad sampler setting, naming the variable", async () => {
    const dist = await bundle();
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, [join(dist, "services", "catalog.mjs")], { env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", ...activeMutant(), ...env } });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("exit", (code) => resolve({ code, output }));
        setTimeout(() => child.kill("SIGTERM"), 10_000).unref();
      });
    const ratio = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "1.5" });
    expect(ratio.code).to.equal(1);
    expect(ratio.output).to.include("OTEL_TRACES_SAMPLER_ARG: must be a number between 0 and 1");
    const sampler = await run({ OTEL_TRACES_SAMPLER: "sometimes" });
    expect(sampler.code).to.equal(1);
    expect(sampler.output).to.include("OTEL_TRACES_SAMPLER: must be one of");
  });

  it("traces nothing with no endpoint: no span ids in the logs, the client's traceparent passed on unchanged", async function () {
    this.timeout(90_000);
    const running = await startLoggedShop({ OTEL_TRACES_SAMPLER: "always_on" });
    try {
      const traceparent = `00-${randomHex(16)}-${randomHex(8)}-01`;
      const requestId = `trace-off-${randomHex(4)}`;
      const answer = await fetch(`${running.shop.urls.gateway}/api/products/1`, { headers: { traceparent, "x-request-id": requestId } });
      expect(answer.status).to.equal(200);
      const gateway = await waitFor("the gateway's access line", () => accessLine(running, "gateway", requestId));
      const catalog = await waitFor("catalog's access line", () => accessLine(running, "catalog", requestId));
      expect(gateway).not.to.have.property("trace_id");
      expect(catalog).not.to.have.property("trace_id");
      expect(catalog.traceparent, "no span in between: catalog sees the client's own context").to.equal(traceparent);
    } finally {
      await running.shop.stop();
    }
  });
});
