/** Requests the app never sees still get a JSON error, never an empty answer or a dropped connection. */
import { expect } from "chai";
import { Hono } from "hono";
import { z } from "zod";
import { testKit } from "../../test/support/kit";
import { waitFor } from "../../test/support/wait";
import { rawRequest } from "../../test/resilience/support/raw-http";
import { createServiceApp } from "./service-app";
import type { ServiceEnv } from "./context";
import { listen, type RunningServer } from "./server";
import { jsonBody } from "./validation";

describe("kit: refusals before the app", () => {
  let server: RunningServer;
  before(async () => {
    server = await listen(new Hono().get("/ok", (c) => c.json({ ok: true })), { host: "127.0.0.1", port: 0 });
  });
  after(() => server.close(1_000));

  const cases: [string, string, number, string][] = [
    ["headers too large", `GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431, "headers_too_large"],
    ["a malformed request line", "GET /ok HTTP/9.9 extra\r\nHost: x\r\n\r\n", 400, "bad_request"],
    ["an invalid header name", "GET /ok HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "bad_request"],
    ["conflicting Content-Length and Transfer-Encoding", "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "bad_request"],
    ["a method the parser does not know", "FOO /ok HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"],
    ["a backslash in the path", "GET /ok\\..\\x HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"],
    ["CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n", 405, "method_not_allowed"],
  ];
  for (const [what, request, status, code] of cases) {
    it(`answers ${what} with a JSON ${status}`, async () => {
      const answer = await rawRequest(server.port, request);
      expect(answer.status).to.equal(status);
      expect(answer.headers["content-type"]).to.equal("application/json");
      expect(JSON.parse(answer.body).error.code).to.equal(code);
    });
  }

  it("a body that breaks off mid-request is the client's 400, not an error of ours", async () => {
    const t = testKit("demo");
    const routes = new Hono<ServiceEnv>().post("/", jsonBody(z.object({ a: z.number() })), (c) => c.json(c.req.valid("json")));
    const served = await listen(createServiceApp(t.kit, { routes: (app) => app.route("/things", routes) }), { host: "127.0.0.1", port: 0 });
    try {
      const answer = await rawRequest(served.port, "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\nzz\r\n");
      expect(answer.status).to.equal(400);
      expect(answer.headers["content-type"]).to.equal("application/json");
      await waitFor("the request's log line", () => t.logs.some((line) => line.msg === "request"));
      expect(t.logs.filter((line) => line.msg === "unhandled error"), "nothing logged as a bug").to.deep.equal([]);
      expect(t.logs.find((line) => line.msg === "request")).to.include({ status: 400 });
    } finally {
      await served.close(1_000);
    }
  });

  it("still serves well-formed requests on the same server", async () => {
    const answer = await rawRequest(server.port, "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer.status).to.equal(200);
    expect(JSON.parse(answer.body)).to.deep.equal({ ok: true });
  });
});
