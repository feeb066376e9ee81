import { expect } from "chai";
import { Hono } from "hono";
import { z } from "zod";
import { testKit } from "../../test/support/kit";
import { labelValues, sampleValue } from "../../test/support/prometheus-text";
import { createServiceApp } from "./service-app";
import type { ServiceEnv } from "./context";
import { AppError } from "./errors";
import { jsonBody, validate } from "./validation";

/** A tiny service on the kit, exercising every cross-cutting path. */
function demo(options: { ready?: () => Promise<string | null>; bodyLimitBytes?: number } = {}) {
  const t = testKit("demo", { bodyLimitBytes: options.bodyLimitBytes ?? 256 });
  const things = new Hono<ServiceEnv>()
    .get("/:id", validate("param", z.object({ id: z.string().regex(/^\d+$/, { message: "must be digits" }) })), (c) =>
      c.json({ id: c.req.valid("param").id }),
    )
    .post("/", jsonBody(z.object({ name: z.string().min(1), count: z.number().int().positive() })), (c) => c.json(c.req.valid("json"), 201))
    .get("/boom/now", () => {
      throw new Error("secret internals");
    })
    .get("/teapot/now", () => {
      throw new AppError(418 as 400, "teapot", "I am a teapot");
    });
  const app = createServiceApp(t.kit, {
    readiness: options.ready ? [options.ready] : [],
    routes: (root) => root.route("/things", things),
  });
  return { app, ...t };
}

async function json(response: Response): Promise<any> {
  expect(response.headers.get("content-type")).to.match(/^application\/json/);
  return response.json();
}

describe("kit: service app", () => {
  it("serves the service's routes", async () => {
    const { app } = demo();
    const response = await app.request("/things/42");
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ id: "42" });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const { app } = demo();
    const response = await app.request("/nope");
    expect(response.status).to.equal(404);
    expect(await json(response)).to.deep.equal({ error: { code: "not_found", message: "no route for GET /nope" } });
  });

  it("answers a wrong method with a JSON 405 and an Allow header", async () => {
    const { app } = demo();
    const response = await app.request("/things/42", { method: "DELETE" });
    expect(response.status).to.equal(405);
    expect(response.headers.get("allow")).to.equal("GET, HEAD");
    expect((await json(response)).error.code).to.equal("method_not_allowed");
  });

  it("rejects a body over the limit with a JSON 413, declared or chunked", async () => {
    const { app } = demo({ bodyLimitBytes: 64 });
    const big = JSON.stringify({ name: "x".repeat(200), count: 1 });
    const declared = await app.request("/things", { method: "POST", body: big, headers: { "content-type": "application/json" } });
    expect(declared.status).to.equal(413);
    expect((await json(declared)).error.code).to.equal("payload_too_large");
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await app.request("/things", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).to.equal(413);
  });

  it("rejects a non-JSON content type with 415, malformed JSON and invalid fields with 400", async () => {
    const { app } = demo();
    const post = (body: string, type = "application/json") => app.request("/things", { method: "POST", body, headers: { "content-type": type } });
    const wrongType = await post('{"name":"a","count":1}', "text/plain");
    expect(wrongType.status).to.equal(415);
    expect((await json(wrongType)).error.code).to.equal("unsupported_media_type");
    const malformed = await post('{"name":');
    expect(malformed.status).to.equal(400);
    expect((await json(malformed)).error.message).to.match(/malformed json/i);
    const invalid = await post('{"name":"","count":1.5}');
    expect(invalid.status).to.equal(400);
    const body = await json(invalid);
    expect(body.error.code).to.equal("validation_failed");
    expect(body.error.message).to.match(/^invalid body: name: .*; count: /);
    expect(body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(["name", "count"]);
    const ok = await post('{"name":"a","count":2}', "application/json; charset=utf-8");
    expect(ok.status).to.equal(201);
  });

  it("names the bad path parameter", async () => {
    const { app } = demo();
    const response = await app.request("/things/abc");
    expect(response.status).to.equal(400);
    expect((await json(response)).error.message).to.equal("invalid path parameter: id: must be digits");
  });

  it("hides unexpected errors behind a generic 500 and logs them", async () => {
    const { app, logs } = demo();
    const response = await app.request("/things/boom/now");
    expect(response.status).to.equal(500);
    const body = await json(response);
    expect(body).to.deep.equal({ error: { code: "internal", message: "internal error" } });
    expect(JSON.stringify(body)).not.to.include("secret");
    const logged = logs.find((line) => line.msg === "unhandled error") as { err: { message: string } } | undefined;
    expect(logged?.err.message).to.equal("secret internals");
  });

  it("honours x-request-id, generates one otherwise, and logs one JSON line per request with it", async () => {
    const { app, logs } = demo();
    const given = await app.request("/things/1", { headers: { "x-request-id": "req-abc-123" } });
    expect(given.headers.get("x-request-id")).to.equal("req-abc-123");
    const generated = await app.request("/things/2");
    const id = generated.headers.get("x-request-id");
    expect(id).to.match(/^[0-9a-f-]{36}$/);
    const requests = logs.filter((line) => line.msg === "request");
    expect(requests).to.have.length(2);
    expect(requests[0]).to.include({ request_id: "req-abc-123", method: "GET", path: "/things/1", route: "/things/:id", status: 200, service: "demo" });
    expect(requests[1]).to.include({ request_id: id, route: "/things/:id" });
    expect(requests[0]!.duration_ms).to.be.a("number");
  });

  it("replaces a request id with unsafe characters", async () => {
    const { app } = demo();
    const response = await app.request("/things/1", { headers: { "x-request-id": 'evil" {json}' } });
    expect(response.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
  });

  it("serves /healthz, and /readyz from the readiness check with the reason when not ready", async () => {
    let reason: string | null = null;
    const { app, lifecycle } = demo({ ready: async () => reason });
    expect((await app.request("/healthz")).status).to.equal(200);
    const ready = await app.request("/readyz");
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({ status: "ready" });
    reason = "redis is not connected";
    const notReady = await app.request("/readyz");
    expect(notReady.status).to.equal(503);
    expect(await json(notReady)).to.deep.equal({ error: { code: "not_ready", message: "redis is not connected" } });
    expect((await app.request("/healthz")).status, "liveness does not depend on the store").to.equal(200);
    reason = null;
    lifecycle.draining = true;
    const draining = await app.request("/readyz");
    expect(draining.status).to.equal(503);
    expect((await draining.json()).error.message).to.equal("shutting down");
  });

  it("exposes default metrics and request metrics labelled by route template, counting errors", async () => {
    const { app } = demo();
    await app.request("/things/41");
    await app.request("/things/42");
    await app.request("/things/boom/now");
    await app.request("/missing/7");
    await app.request("/things/1", { method: "PATCH" });
    const response = await app.request("/metrics");
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/plain/);
    const text = await response.text();
    expect(sampleValue(text, "process_cpu_user_seconds_total"), "a default metric (its value may round to 0 on a coarse CPU clock)").to.be.at.least(0);
    const base = { service: "demo", version: "v1" };
    const count = (labels: Record<string, string>) => sampleValue(text, "http_requests_total", { ...base, ...labels });
    expect(count({ method: "GET", route: "/things/:id", status: "200" })).to.equal(2);
    expect(count({ method: "GET", route: "/things/boom/now", status: "500" })).to.equal(1);
    expect(count({ method: "GET", route: "unmatched", status: "404" })).to.equal(1);
    expect(count({ method: "PATCH", route: "unmatched", status: "405" })).to.equal(1);
    expect(sampleValue(text, "http_request_duration_seconds_count", { ...base, method: "GET", route: "/things/:id", status: "200" })).to.equal(2);
    expect(sampleValue(text, "http_request_duration_seconds_count", { route: "/things/boom/now", status: "500" }), "failed requests are timed").to.equal(1);
    expect(labelValues(text, "http_requests_total", "route")).to.deep.equal(["/things/:id", "/things/boom/now", "unmatched"]);
    expect(text).not.to.match(/route="\/things\/4[12]"/);
  });
});
