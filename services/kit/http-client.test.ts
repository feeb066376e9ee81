import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { Registry } from "prom-client";
import { z } from "zod";
import { answersGarbage, closedUrl, hangs, rawServer, resets, type RawServer } from "../../test/support/loopback-http";
import { sampleValue } from "../../test/support/prometheus-text";
import { DEADLINE_HEADER, withDeadline } from "./deadline";
import { AppError } from "./errors";
import { rejected, Upstream, UpstreamMetrics } from "./http-client";
import { withTraceHeaders } from "./trace";

const Thing = z.object({ id: z.string() });

function client(baseUrl: string, options: { timeoutMs?: number; retries?: 0 | 1; metrics?: UpstreamMetrics } = {}): Upstream {
  return new Upstream({
    name: "things",
    baseUrl,
    timeoutMs: options.timeoutMs ?? 2_000,
    retries: options.retries ?? 1,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected the call to fail");
}

/** A server answering `status` with `body` (JSON) to every request. */
const answers = (status: number, body: unknown) =>
  rawServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });

/** Servers a suite starts, closed after each test; `track(start)` returns the started server. */
function trackServers(): (server: Promise<RawServer>) => Promise<RawServer> {
  const servers: RawServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (server) => {
    const s = await server;
    servers.push(s);
    return s;
  };
}

describe("kit: outbound HTTP client", () => {
  const track = trackServers();

  it("returns the parsed 2xx body, validated against the contract", async () => {
    const server = await track(answers(200, { id: "7", extra: true }));
    const reply = await client(server.url).getJson("/things/7", Thing);
    expect(reply).to.deep.equal({ ok: true, status: 200, data: { id: "7" } });
  });

  it("forwards the current request's trace headers on every call", async () => {
    const server = await track(answers(200, { id: "1" }));
    const trace = {
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "vendor=1",
      "x-request-id": "req-1",
      "x-b3-traceid": "80f198ee56343ba864fe8b2a57d3eff7",
      "x-b3-spanid": "e457b5a2e4d86bd1",
      "x-b3-sampled": "1",
      b3: "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1",
      "l5d-ctx-trace": "abc",
    };
    await withTraceHeaders(trace, () => client(server.url).postJson("/things", { a: 1 }, Thing));
    expect(server.requests[0]!.headers).to.include(trace);
    expect(server.requests[0]!.headers["content-type"]).to.equal("application/json");
  });

  it("passes an upstream 4xx back to the caller with its error", async () => {
    const server = await track(answers(404, { error: { code: "not_found", message: "no thing 9" } }));
    const reply = await client(server.url).getJson("/things/9", Thing);
    expect(reply).to.deep.equal({ ok: false, status: 404, error: { code: "not_found", message: "no thing 9" } });
  });

  it("turns a 4xx the caller cannot map into a 502 naming the upstream and what it refused", async () => {
    const server = await track(answers(400, { error: { code: "validation_failed", message: "amount_cents: too big" } }));
    const reply = await client(server.url).postJson("/things", {}, Thing);
    expect(reply.ok).to.equal(false);
    const error = rejected("things", reply as Extract<typeof reply, { ok: false }>, "the charge");
    expect(error.status).to.equal(502);
    expect(error.code).to.equal("upstream_rejected");
    expect(error.message).to.equal("things refused the charge (400 validation_failed: amount_cents: too big)");
  });

  it("maps an upstream 5xx to 502, retrying an idempotent GET once", async () => {
    const server = await track(answers(500, { error: { code: "internal", message: "boom" } }));
    const error = await failure(client(server.url).getJson("/things/1", Thing));
    expect(error.status).to.equal(502);
    expect(error.code).to.equal("upstream_error");
    expect(error.message).to.equal("things answered 500 to GET /things/1: internal: boom");
    expect(server.requests).to.have.length(2);
  });

  it("never retries a POST, and GETs not at all with retries 0", async () => {
    const server = await track(answers(503, {}));
    await failure(client(server.url).postJson("/things", {}, Thing));
    expect(server.requests).to.have.length(1);
    await failure(client(server.url, { retries: 0 }).getJson("/things/1", Thing));
    expect(server.requests).to.have.length(2);
  });

  it("never retries a 4xx: the upstream meant it", async () => {
    const server = await track(answers(404, { error: { code: "not_found", message: "no thing 9" } }));
    const reply = await client(server.url).getJson("/things/9", Thing);
    expect(reply.ok).to.equal(false);
    expect(server.requests).to.have.length(1);
  });

  it("keeps its connections to an upstream alive: calls one after another reuse them", async () => {
    const sockets = new Set<unknown>();
    const server = await track(
      rawServer((req, res) => {
        sockets.add(req.socket);
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"id":"1"}');
      }),
    );
    const things = client(server.url);
    for (let i = 0; i < 10; i++) await things.getJson("/things/1", Thing);
    expect(server.requests).to.have.length(10);
    // undici frees a connection a microtask after its answer ends, so a call made at once takes a second one
    expect(sockets.size).to.be.at.most(2);
  });

  it("keeps an idle connection until a second before the server's announced Keep-Alive timeout, not longer", async () => {
    const sockets: unknown[] = [];
    const server = await track(
      rawServer((req, res) => {
        sockets.push(req.socket);
        // node's server announces its keepAliveTimeout; this one says 3 s
        res.writeHead(200, { "content-type": "application/json", "keep-alive": "timeout=3" });
        res.end('{"id":"1"}');
      }),
    );
    const things = client(server.url);
    await things.getJson("/things/1", Thing);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await things.getJson("/things/1", Thing); // 1.5 s idle: under 3 s - 1 s, the same connection
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    await things.getJson("/things/1", Thing); // 2.3 s idle: over it, a new one
    expect(sockets.map((socket) => sockets.indexOf(socket))).to.deep.equal([0, 0, 2]);
  });

  it("maps a refused connection to 503", async () => {
    const error = await failure(client(await closedUrl()).getJson("/things/1", Thing));
    expect(error.status).to.equal(503);
    expect(error.code).to.equal("upstream_unavailable");
    expect(error.message).to.match(/^things is unreachable \(ECONNREFUSED\)$/);
  });

  it("maps a reset connection to 503 after one retry of a GET", async () => {
    const server = await track(resets());
    const error = await failure(client(server.url).getJson("/things/1", Thing));
    expect(error.status).to.equal(503);
    // undici's SocketError for a connection closed mid-exchange (lib/dispatcher/client-h1.js)
    expect(error.message).to.equal("things is unreachable (other side closed)");
    expect(server.requests).to.have.length(2);
  });

  it("forwards a HEAD as idempotent as a GET (one retry after a reset), a DELETE never again", async () => {
    const server = await track(resets());
    const head = await failure(client(server.url).forward({ method: "HEAD", path: "/things/1", headers: {} }));
    expect(head.status).to.equal(503);
    expect(server.requests).to.have.length(2);
    await failure(client(server.url).forward({ method: "DELETE", path: "/things/1", headers: {} }));
    expect(server.requests).to.have.length(3);
  });

  it("maps a hanging upstream to 504 within the timeout, without retrying", async () => {
    const server = await track(hangs());
    const started = Date.now();
    const error = await failure(client(server.url, { timeoutMs: 300 }).getJson("/things/1", Thing));
    const elapsed = Date.now() - started;
    expect(error.status).to.equal(504);
    expect(error.code).to.equal("upstream_timeout");
    expect(elapsed).to.be.within(280, 1_500);
    expect(server.requests).to.have.length(1);
  });

  it("times out a body that stops half way", async () => {
    const server = await track(
      rawServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"id":');
      }),
    );
    const error = await failure(client(server.url, { timeoutMs: 300 }).getJson("/things/1", Thing));
    expect(error.status).to.equal(504);
  });

  it("maps garbage and off-contract answers to 502", async () => {
    const garbage = await track(answersGarbage());
    const notJson = await failure(client(garbage.url).getJson("/things/1", Thing));
    expect(notJson.status).to.equal(502);
    expect(notJson.code).to.equal("bad_upstream_response");
    const wrongShape = await track(answers(200, { id: 7 }));
    const offContract = await failure(client(wrongShape.url).getJson("/things/1", Thing));
    expect(offContract.status).to.equal(502);
    expect(offContract.message).to.match(/does not match the contract/);
  });

  it("counts every attempt by upstream, method and outcome", async () => {
    const registry = new Registry();
    const metrics = new UpstreamMetrics(registry);
    const failing = await track(answers(500, {}));
    await failure(client(failing.url, { metrics }).getJson("/x", Thing));
    await failure(client(await closedUrl(), { metrics, retries: 0 }).getJson("/x", Thing));
    const text = await registry.metrics();
    expect(sampleValue(text, "upstream_requests_total", { upstream: "things", outcome: "unavailable" })).to.equal(1);
    expect(sampleValue(text, "upstream_requests_total", { upstream: "things", method: "GET", outcome: "500" })).to.equal(2);
    expect(sampleValue(text, "upstream_request_duration_seconds_count", { upstream: "things", outcome: "500" })).to.equal(2);
  });
});

describe("kit: outbound HTTP client under a deadline", () => {
  const track = trackServers();
  const marginal = (baseUrl: string, timeoutMs: number) => new Upstream({ name: "things", baseUrl, timeoutMs, retries: 1, marginMs: 100 });

  it("lets a GET's attempts share one deadline: a retry gets what is left, not a fresh timeout", async () => {
    let seen = 0;
    const server = await track(
      rawServer((_req, res) => {
        if (++seen > 1) return; // the retry hangs
        setTimeout(() => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end("{}");
        }, 600);
      }),
    );
    const started = performance.now();
    const error = await failure(client(server.url, { timeoutMs: 1_000 }).getJson("/things/1", Thing));
    const elapsed = performance.now() - started;
    expect(error.status).to.equal(504);
    expect(server.requests).to.have.length(2);
    expect(elapsed, "one deadline over both attempts").to.be.within(950, 1_450);
    const told = server.requests.map((r) => Number(r.headers[DEADLINE_HEADER]));
    expect(told[0]).to.be.within(900, 1_000);
    expect(told[1], "the retry tells the upstream what is left after the first attempt's 600 ms").to.be.within(1, 420);
  });

  it("tells the upstream its budget: the call's time left minus the margin", async () => {
    const server = await track(answers(200, { id: "1" }));
    await marginal(server.url, 2_000).getJson("/things/1", Thing);
    const budget = Number(server.requests[0]!.headers[DEADLINE_HEADER]);
    expect(budget).to.be.within(1_700, 1_900);
  });

  it("never passes a client's own budget on: it sends its own", async () => {
    const server = await track(answers(200, {}));
    await marginal(server.url, 1_000).forward({ method: "GET", path: "/x", headers: { [DEADLINE_HEADER]: "999999" } });
    expect(Number(server.requests[0]!.headers[DEADLINE_HEADER])).to.be.within(800, 900);
  });

  it("honours the request's deadline: the call ends with it, and the upstream is told", async () => {
    const server = await track(hangs());
    const started = performance.now();
    const error = await failure(withDeadline(performance.now() + 400, () => marginal(server.url, 5_000).getJson("/things/1", Thing)));
    const elapsed = performance.now() - started;
    expect(error.status).to.equal(504);
    expect(error.code).to.equal("upstream_timeout");
    expect(elapsed, "the request's 400 ms less the margin, not the client's 5 s").to.be.within(250, 1_000);
    expect(Number(server.requests[0]!.headers[DEADLINE_HEADER])).to.be.at.most(200);
  });

  it("does not call at all when the request's budget is spent", async () => {
    const server = await track(answers(200, { id: "1" }));
    const error = await failure(withDeadline(performance.now() + 50, () => marginal(server.url, 2_000).getJson("/things/1", Thing)));
    expect(error.status).to.equal(504);
    expect(error.code).to.equal("deadline_exceeded");
    expect(error.message).to.match(/things/);
    expect(server.requests).to.have.length(0);
  });

  it("maps an upstream's 504 (a proxy's timeout below it) to 504 upstream_timeout naming the upstream", async () => {
    const server = await track(answers(504, { error: { code: "upstream_timeout", message: "payment did not answer" } }));
    const error = await failure(client(server.url, { retries: 0 }).postJson("/things", {}, Thing));
    expect(error.status).to.equal(504);
    expect(error.code).to.equal("upstream_timeout");
    expect(error.message).to.equal("things answered 504 to POST /things: upstream_timeout: payment did not answer");
  });
});

describe("kit: outbound HTTP client, loading", () => {
  it("loads undici only with its first upstream: a service that calls nobody never does", () => {
    // a fresh process: this one may have loaded undici for other tests
    const script = `
      const loaded = () => Object.keys(require.cache).some((file) => file.includes("/node_modules/undici/"));
      const { Upstream } = require(${JSON.stringify(join(__dirname, "http-client.ts"))});
      const before = loaded();
      new Upstream({ name: "things", baseUrl: "http://127.0.0.1:9", timeoutMs: 100, retries: 0 });
      process.stdout.write(JSON.stringify({ before, after: loaded() }));
    `;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).to.deep.equal({ before: false, after: true });
  });
});
