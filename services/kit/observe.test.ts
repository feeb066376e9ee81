/**
 * The request middleware served for real (node:http on loopback), where it
 * reads the node request's raw headers and sets the request id on the node
 * response directly: the paths app.request() never takes.
 */
import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { Hono } from "hono";
import { serveApp } from "../../test/support/loopback-http";
import { testKit } from "../../test/support/kit";
import { sampleValue } from "../../test/support/prometheus-text";
import { createServiceApp, type KitOptions } from "./service-app";
import type { ServiceEnv } from "./context";
import { AppError } from "./errors";
import type { RunningServer } from "./server";
import { currentTraceHeaders } from "./trace";

/** A GET with headers given as a raw list, so names may repeat (node then adds no Host of its own). */
function get(url: string, rawHeaders: string[] = []): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: ["host", new URL(url).host, ...rawHeaders] });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("kit: request ids, trace context, metrics and access log over real HTTP", () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close(1_000)));
  });

  async function serve(options: Partial<KitOptions> = {}) {
    const t = testKit("demo");
    const kit = { ...t.kit, ...options };
    const routes = new Hono<ServiceEnv>()
      .get("/trace/:id", (c) => c.json({ trace: currentTraceHeaders(), id: c.get("requestId") }))
      .get("/fail/:id", () => {
        throw new AppError(409, "conflict", "busy", undefined, { "Retry-After": "1" });
      });
    const server = await serveApp(createServiceApp(kit, { routes: (app) => app.route("/things", routes) }));
    servers.push(server);
    return { server, ...t };
  }

  it("echoes the request id on ordinary answers and on errors alike, beside the handler's own headers", async () => {
    const { server } = await serve();
    const ok = await get(`${server.url}/things/trace/1`, ["X-Request-Id", "abc-123"]);
    expect(ok.headers["x-request-id"]).to.equal("abc-123");
    expect(ok.headers["content-type"]).to.match(/^application\/json/);
    const failed = await get(`${server.url}/things/fail/1`);
    expect(failed.status).to.equal(409);
    expect(failed.headers["x-request-id"]).to.match(/^[0-9a-f-]{36}$/);
    expect(failed.headers["retry-after"]).to.equal("1");
    const missing = await get(`${server.url}/nowhere`, ["x-request-id", "n-1"]);
    expect(missing.status).to.equal(404);
    expect(missing.headers["x-request-id"]).to.equal("n-1");
  });

  it("captures the trace headers from the raw request: any case, repeated ones joined, others left out", async () => {
    const { server } = await serve();
    const answer = await get(`${server.url}/things/trace/1`, [
      "TraceParent",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "baggage",
      "a=1",
      "Baggage",
      "b=2",
      "l5d-ctx-deadline",
      "abc",
      "authorization",
      "Bearer secret",
      "x-request-id",
      "given-1",
    ]);
    const { trace, id } = JSON.parse(answer.body) as { trace: Record<string, string>; id: string };
    expect(id).to.equal("given-1");
    expect(trace).to.deep.equal({
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      baggage: "a=1, b=2",
      "l5d-ctx-deadline": "abc",
      "x-request-id": "given-1",
    });
  });

  it("keeps no trace context for a service that calls nobody", async () => {
    const { server } = await serve({ propagateTrace: false });
    const answer = await get(`${server.url}/things/trace/1`, ["traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]);
    expect(JSON.parse(answer.body).trace).to.deep.equal({});
    expect(answer.headers["x-request-id"]).to.match(/^[0-9a-f-]{36}$/);
  });

  it("counts and times every request by route template, and logs it once in the documented shape", async () => {
    const { server, logs, kit } = await serve();
    await get(`${server.url}/things/trace/7`, ["traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x-request-id", "r-7"]);
    await get(`${server.url}/things/fail/8`);
    const text = await kit.registry.metrics();
    expect(sampleValue(text, "http_requests_total", { method: "GET", route: "/things/trace/:id", status: "200" })).to.equal(1);
    expect(sampleValue(text, "http_request_duration_seconds_count", { route: "/things/fail/:id", status: "409" })).to.equal(1);
    const lines = logs.filter((line) => line.msg === "request");
    expect(lines).to.have.length(2);
    expect(Object.keys(lines[0]!)).to.deep.equal(["time", "level", "service", "version", "msg", "request_id", "method", "path", "route", "status", "duration_ms", "traceparent"]);
    expect(lines[0]).to.include({ request_id: "r-7", path: "/things/trace/7", route: "/things/trace/:id", status: 200 });
    expect(lines[1]).to.include({ route: "/things/fail/:id", status: 409, level: "info" });
    expect(lines[1]).not.to.have.property("traceparent");
  });
});
