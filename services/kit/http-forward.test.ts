/** Upstream.forward(), the gateway's transport: answers of every size and status pass on as they came. */
import { expect } from "chai";
import { rawServer, type RawServer } from "../../test/support/loopback-http";
import { AppError } from "./errors";
import { Upstream, type ForwardedAnswer } from "./http-client";
import { withTraceHeaders } from "./trace";

function client(baseUrl: string, timeoutMs = 2_000): Upstream {
  return new Upstream({ name: "things", baseUrl, timeoutMs, retries: 1 });
}

async function bytesOf(answer: ForwardedAnswer): Promise<Buffer> {
  if (answer.body === null) return Buffer.alloc(0);
  if (answer.body instanceof Uint8Array) return Buffer.from(answer.body);
  const chunks: Uint8Array[] = [];
  const reader = answer.body.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) chunks.push(part.value);
  return Buffer.concat(chunks);
}

describe("kit: forwarding through the HTTP client", () => {
  const servers: RawServer[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  async function upstream(handler: Parameters<typeof rawServer>[0]): Promise<RawServer> {
    const server = await rawServer(handler);
    servers.push(server);
    return server;
  }

  it("reads a small answer of known length whole, with its status and raw headers, whatever the status", async () => {
    const server = await upstream((_req, res) => {
      const body = '{"error":{"code":"not_found","message":"no"}}';
      res.writeHead(404, "Nope", [["Content-Type", "application/json"], ["Content-Length", String(body.length)], ["X-Many", "1"], ["X-Many", "2"]]);
      res.end(body);
    });
    const answer = await client(server.url).forward({ method: "GET", path: "/x", headers: {} });
    expect(answer.status).to.equal(404);
    expect(answer.statusText).to.equal("Nope");
    expect(answer.body).to.be.instanceOf(Uint8Array);
    expect((await bytesOf(answer)).toString()).to.equal('{"error":{"code":"not_found","message":"no"}}');
    expect(answer.rawHeaders.filter((_v, i) => i % 2 === 0 && answer.rawHeaders[i] === "X-Many")).to.have.length(2);
  });

  it("streams an answer of unknown or large length", async () => {
    const server = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(8_192, i));
      res.end();
    });
    const answer = await client(server.url).forward({ method: "GET", path: "/big", headers: {} });
    expect(answer.body).not.to.be.instanceOf(Uint8Array);
    const bytes = await bytesOf(answer);
    expect(bytes.length).to.equal(20 * 8_192);
    expect(bytes[8_192 * 7]).to.equal(7);
  });

  it("has no body for HEAD, 204 and 304", async () => {
    const server = await upstream((req, res) => {
      res.writeHead(req.url === "/empty" ? 204 : 200, { "content-length": "12" });
      res.end(req.method === "HEAD" || req.url === "/empty" ? undefined : "hello world!");
    });
    expect((await client(server.url).forward({ method: "HEAD", path: "/x", headers: {} })).body).to.equal(null);
    expect((await client(server.url).forward({ method: "GET", path: "/empty", headers: {} })).body).to.equal(null);
  });

  it("sends the request's body and headers, adding the current trace headers only where absent", async () => {
    const server = await upstream((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ body }));
      });
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":'));
        controller.enqueue(new TextEncoder().encode("1}"));
        controller.close();
      },
    });
    const answer = await withTraceHeaders({ traceparent: "from-context", baggage: "k=v" }, () =>
      client(server.url).forward({ method: "POST", path: "/p", headers: { "content-type": "application/json", traceparent: "from-request" }, body }),
    );
    expect(JSON.parse((await bytesOf(answer)).toString())).to.deep.equal({ body: '{"a":1}' });
    expect(server.requests.at(-1)!.headers).to.include({ traceparent: "from-request", baggage: "k=v", "content-type": "application/json" });
  });

  it("a small answer that stalls half way is a 504 within the timeout, not a hang", async () => {
    const server = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"id":');
    });
    const started = Date.now();
    const error = await client(server.url, 300)
      .forward({ method: "GET", path: "/stall", headers: {} })
      .then(() => undefined, (err: unknown) => err);
    expect(error).to.be.instanceOf(AppError);
    expect((error as AppError).status).to.equal(504);
    expect(Date.now() - started).to.be.below(2_000);
  });
});
