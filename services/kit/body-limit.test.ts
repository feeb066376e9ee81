/** The body limit over real HTTP, where bodies come declared (Content-Length) or chunked. */
import { request as httpRequest } from "node:http";
import { expect } from "chai";
import { Hono } from "hono";
import { z } from "zod";
import { serveApp } from "../../test/support/loopback-http";
import { testKit } from "../../test/support/kit";
import { createServiceApp } from "./service-app";
import type { ServiceEnv } from "./context";
import type { RunningServer } from "./server";
import { jsonBody } from "./validation";

function send(url: string, method: string, body: string | undefined, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (body !== undefined) headers[chunked ? "transfer-encoding" : "content-length"] = chunked ? "chunked" : String(Buffer.byteLength(body));
    const req = httpRequest(url, { method, headers });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    if (body !== undefined && chunked) for (let i = 0; i < body.length; i += 10) req.write(body.slice(i, i + 10));
    else if (body !== undefined) req.write(body);
    req.end();
  });
}

describe("kit: body limit over real HTTP", () => {
  let server: RunningServer;
  before(async () => {
    const routes = new Hono<ServiceEnv>()
      .get("/", (c) => c.json({ ok: true }))
      .post("/", jsonBody(z.object({ name: z.string() })), (c) => c.json(c.req.valid("json"), 201));
    server = await serveApp(createServiceApp(testKit("demo", { bodyLimitBytes: 64 }).kit, { routes: (app) => app.route("/things", routes) }));
  });
  after(() => server.close(1_000));

  it("lets GETs and bodies within the limit through, declared or chunked", async () => {
    expect((await send(`${server.url}/things`, "GET", undefined, false)).status).to.equal(200);
    for (const chunked of [false, true]) {
      const answer = await send(`${server.url}/things`, "POST", '{"name":"small"}', chunked);
      expect(answer.status, chunked ? "chunked" : "declared").to.equal(201);
      expect(JSON.parse(answer.body)).to.deep.equal({ name: "small" });
    }
  });

  it("answers a body over the limit with a JSON 413, declared or chunked", async () => {
    const big = JSON.stringify({ name: "x".repeat(200) });
    for (const chunked of [false, true]) {
      const answer = await send(`${server.url}/things`, "POST", big, chunked);
      expect(answer.status, chunked ? "chunked" : "declared").to.equal(413);
      expect(JSON.parse(answer.body).error.code).to.equal("payload_too_large");
    }
  });

  it("a POST without any body is validated as one (400), not let through unchecked", async () => {
    const answer = await send(`${server.url}/things`, "POST", undefined, false);
    expect(answer.status).to.equal(400);
    expect(JSON.parse(answer.body).error.code).to.match(/^(bad_request|validation_failed)$/);
  });
});
