/**
 * The kit's spans as a collector receives them: the real OpenTelemetry SDK
 * (startTracing) exporting OTLP/HTTP to a receiver on 127.0.0.1, each span's
 * attributes compared whole, so that one attribute lost or renamed shows.
 * test/services/shop-tracing.test.ts follows a checkout through every service;
 * this holds the shapes the kit gives the spans:
 *
 * - a SERVER span's url.scheme is the scheme the request came in over (http
 *   on a plain socket, also for a path that ends in "https:"; https on TLS);
 * - a PRODUCER span "send <destination>" and a CONSUMER span "process
 *   <destination>", its child through the traceparent the producer hands the
 *   entry, with OpenTelemetry's messaging attributes (semantic conventions,
 *   messaging spans: operation types "send" and "process").
 */
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { context, diag, propagation, trace } from "@opentelemetry/api";
import { getRequestListener } from "@hono/node-server";
import { expect } from "chai";
import { Hono } from "hono";
import { testKit } from "../../test/support/kit";
import { serveApp } from "../../test/support/loopback-http";
import { OTLP_SPAN_KIND, OTLP_STATUS, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../../test/support/otlp-receiver";
import { testCertificate, type TestCertificate } from "../../test/support/test-certificate";
import type { ServiceEnv } from "./context";
import { AppError } from "./errors";
import type { RunningServer } from "./server";
import { createServiceApp } from "./service-app";
import { startTracing } from "./tracing";
import { installTracing, produceTraced, type Tracing } from "./tracing-hooks";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** GET over TLS, trusting `ca`. */
function getOverTls(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("kit: tracing's spans, exported over OTLP/HTTP to a receiver on 127.0.0.1", function () {
  this.timeout(30_000);
  let receiver: OtlpReceiver;
  let tracing: Tracing | undefined;
  let plain: RunningServer | undefined;
  let certificate: TestCertificate | undefined;
  let tls: HttpsServer | undefined;
  let flushed = false;
  let handed: string | undefined;
  let logs: Record<string, unknown>[] = [];

  before(async () => {
    certificate = testCertificate(["localhost"]);
    tls = createHttpsServer({ key: certificate.key, cert: certificate.cert });
    receiver = await startOtlpReceiver();
    const { kit, logs: kitLogs } = testKit("demo");
    logs = kitLogs;
    tracing = startTracing({ config: { tracesUrl: `${receiver.url}/v1/traces`, sampler: "always_on", ratio: 1, serviceName: "demo" }, version: "v7", edge: false, logger: kit.logger });
    const failing = new Hono<ServiceEnv>()
      .get("/boom", () => {
        throw new Error("kaput");
      })
      .get("/busy", () => {
        throw new AppError(503, "busy", "try later");
      })
      .get("/broken", () => {
        throw new AppError(500, "broken", "the disk is full");
      })
      .get("/taken", () => {
        throw new AppError(409, "conflict", "taken");
      });
    const routes = new Hono<ServiceEnv>()
      .post("/orders", async (c) => {
        await produceTraced("orders-placed", async () => undefined);
        return c.json({}, 201);
      })
      .get("/:id", (c) => c.json({ id: c.req.param("id") }));
    const app = createServiceApp(kit, { routes: (a) => a.route("/things", routes).route("/fail", failing) });
    plain = await serveApp(app);
    tls.on("request", getRequestListener(app.fetch));
    await new Promise<void>((resolve) => tls!.listen(0, "127.0.0.1", resolve));
    const tlsPort = (tls.address() as AddressInfo).port;

    expect((await fetch(`${plain.url}/things/1`)).status).to.equal(200);
    expect((await fetch(`${plain.url}/things/https:`)).status).to.equal(200);
    expect(await getOverTls(`https://localhost:${tlsPort}/things/2`, certificate.cert)).to.equal(200);
    for (const [path, status] of [["/nowhere", 404], ["/fail/taken", 409], ["/fail/busy", 503], ["/fail/broken", 500], ["/fail/boom", 500]] as const) {
      expect((await fetch(`${plain.url}${path}`, { headers: { "x-request-id": `req${path.replaceAll("/", "-")}` } })).status, path).to.equal(status);
    }
    expect((await fetch(`${plain.url}/things/orders`, { method: "POST" })).status).to.equal(201);

    await tracing.produce("orders-stream", async (traceparent) => {
      handed = traceparent;
    });
    await tracing.consume({ destination: "orders-stream", group: "mailers", id: "1732900000000-0", traceparent: handed }, async () => undefined);
    // shutting down exports everything still queued
    flushed = await tracing.shutdown(10_000);
    expect(flushed, "flushed in time").to.equal(true);
  });

  after(async () => {
    // a before() that failed half-way leaves the SDK running: stop it before resetting the globals
    if (!flushed) await tracing?.shutdown(1_000);
    installTracing(undefined);
    trace.disable();
    context.disable();
    propagation.disable();
    diag.disable();
    await plain?.close(1_000);
    if (tls?.listening) await new Promise<void>((resolve) => tls!.close(() => resolve()));
    certificate?.remove();
    await receiver?.close();
  });

  const only = (predicate: (span: ReceivedSpan) => boolean): ReceivedSpan => {
    const found = receiver.spans.filter(predicate);
    expect(found, "exactly one such span").to.have.lengthOf(1);
    return found[0]!;
  };
  const serverSpan = (path: string) => only((s) => s.kind === OTLP_SPAN_KIND.server && s.attributes["url.path"] === path);

  it("names the scheme a request came in over: http on a plain socket, https over TLS", () => {
    expect(receiver.refused, "every export was OTLP JSON at /v1/traces").to.deep.equal([]);
    const schemes = Object.fromEntries(["/things/1", "/things/https:", "/things/2"].map((path) => [path, serverSpan(path).attributes["url.scheme"]]));
    expect(schemes).to.deep.equal({ "/things/1": "http", "/things/https:": "http", "/things/2": "https" });
    expect(serverSpan("/things/2").name).to.equal("GET /things/:id");
  });

  it("a server span per request: named by the route template, its attributes whole, failed on a 5xx only", () => {
    const shape = (path: string) => {
      const span = serverSpan(path);
      return { name: span.name, status: span.statusCode, attributes: span.attributes, events: span.events };
    };
    const base = (path: string) => ({ "http.request.method": "GET", "url.path": path, "url.scheme": "http" });
    expect(shape("/things/1")).to.deep.equal({
      name: "GET /things/:id",
      status: OTLP_STATUS.unset,
      attributes: { ...base("/things/1"), "http.route": "/things/:id", "http.response.status_code": 200 },
      events: [],
    });
    // no route matched: no template to name it by
    expect(shape("/nowhere")).to.deep.equal({ name: "GET", status: OTLP_STATUS.unset, attributes: { ...base("/nowhere"), "http.response.status_code": 404 }, events: [] });
    // a 4xx is an answer, not a failure
    expect(shape("/fail/taken")).to.deep.equal({
      name: "GET /fail/taken",
      status: OTLP_STATUS.unset,
      attributes: { ...base("/fail/taken"), "http.route": "/fail/taken", "http.response.status_code": 409 },
      events: [],
    });
    for (const [path, status] of [["/fail/busy", 503], ["/fail/broken", 500], ["/fail/boom", 500]] as const) {
      expect(shape(path), path).to.deep.equal({
        name: `GET ${path}`,
        status: OTLP_STATUS.error,
        attributes: { ...base(path), "http.route": path, "http.response.status_code": status, "error.type": String(status) },
        events: ["exception"],
      });
    }
  });

  it("logs a thrown error at error and a 5xx answer (500 included) at warn, on the request's own logger; a 4xx not at all", () => {
    // (the access log's own line of each request aside)
    const failures = logs.filter((line) => (line.level === "warn" || line.level === "error") && line.msg !== "request").map((line) => ({ level: line.level, msg: line.msg, request_id: line.request_id, code: line.code, reason: line.reason }));
    expect(failures).to.deep.equal([
      { level: "warn", msg: "request failed", request_id: "req-fail-busy", code: "busy", reason: "try later" },
      { level: "warn", msg: "request failed", request_id: "req-fail-broken", code: "broken", reason: "the disk is full" },
      { level: "error", msg: "unhandled error", request_id: "req-fail-boom", code: undefined, reason: undefined },
    ]);
  });

  it("a span started while a request is handled is the child of the request's span (the context follows the handler)", () => {
    const producer = only((s) => s.kind === OTLP_SPAN_KIND.producer && s.name === "send orders-placed");
    const request = serverSpan("/things/orders");
    expect({ traceId: producer.traceId, parent: producer.parentSpanId }).to.deep.equal({ traceId: request.traceId, parent: request.spanId });
  });

  it("a producer span 'send <destination>' with the messaging attributes, whose context the entry carries", () => {
    const producer = only((s) => s.kind === OTLP_SPAN_KIND.producer && s.name === "send orders-stream");
    expect({ service: producer.service, version: producer.version, name: producer.name, parent: producer.parentSpanId }).to.deep.equal({ service: "demo", version: "v7", name: "send orders-stream", parent: undefined });
    expect(producer.attributes).to.deep.equal({
      "messaging.system.name": "redis",
      "messaging.destination.name": "orders-stream",
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
    });
    const [, traceId, spanId] = TRACEPARENT.exec(handed ?? "") ?? [];
    expect({ traceId, spanId }, `the traceparent handed to the entry: ${handed}`).to.deep.equal({ traceId: producer.traceId, spanId: producer.spanId });
  });

  it("a consumer span 'process <destination>', the producer's child, with the group and the entry's id", () => {
    const producer = only((s) => s.kind === OTLP_SPAN_KIND.producer && s.name === "send orders-stream");
    const consumer = only((s) => s.kind === OTLP_SPAN_KIND.consumer);
    expect({ name: consumer.name, traceId: consumer.traceId, parent: consumer.parentSpanId }).to.deep.equal({ name: "process orders-stream", traceId: producer.traceId, parent: producer.spanId });
    expect(consumer.attributes).to.deep.equal({
      "messaging.system.name": "redis",
      "messaging.destination.name": "orders-stream",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.consumer.group.name": "mailers",
      "messaging.message.id": "1732900000000-0",
    });
  });
});
