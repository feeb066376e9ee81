import { connect } from "node:net";
import { expect } from "chai";
import { Hono } from "hono";
import { testKit } from "../../test/support/kit";
import { waitFor } from "../../test/support/wait";
import { BackgroundTasks } from "./background";
import { DEFAULT_SERVER_TIMEOUTS, listen } from "./server";

/** An app whose /slow requests wait until the test lets them go. */
function slowApp() {
  const waiting: (() => void)[] = [];
  const app = new Hono()
    .get("/slow", async (c) => {
      await new Promise<void>((release) => waiting.push(release));
      return c.json({ done: true });
    })
    .get("/fast", (c) => c.json({ fast: true }));
  return { app, waiting, releaseAll: () => waiting.splice(0).forEach((release) => release()) };
}

describe("kit: serving and draining", () => {
  it("stops accepting, finishes in-flight requests, then closes", async () => {
    const { app, waiting, releaseAll } = slowApp();
    const running = await listen(app, { host: "127.0.0.1", port: 0 });
    // a keep-alive connection that sits idle must not hold the close up
    expect((await fetch(`${running.url}/fast`)).status).to.equal(200);
    const inFlight = fetch(`${running.url}/slow`);
    await waitFor("the request to arrive", () => waiting.length === 1);
    const closing = running.close(5_000);
    await waitFor("the listener to close", () => !running.server.listening);
    const refused = await fetch(`${running.url}/fast`).then(
      () => "answered",
      () => "refused",
    );
    expect(refused, "new connections are refused while draining").to.equal("refused");
    releaseAll();
    const response = await inFlight;
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ done: true });
    expect(await closing, "drained in time").to.equal(true);
  });

  it("cuts requests still running when the drain time is up", async () => {
    const { app, waiting, releaseAll } = slowApp();
    const running = await listen(app, { host: "127.0.0.1", port: 0 });
    const inFlight = fetch(`${running.url}/slow`).then(
      (r) => r.status,
      () => "cut",
    );
    await waitFor("the request to arrive", () => waiting.length === 1);
    const started = Date.now();
    expect(await running.close(200)).to.equal(false);
    expect(Date.now() - started).to.be.within(150, 2_000);
    expect(await inFlight).to.equal("cut");
    releaseAll();
  });
});

describe("kit: background tasks", () => {
  it("runs tasks without waiting, logs failures, and reports when all are done", async () => {
    const { kit, logs } = testKit("kit");
    const tasks = new BackgroundTasks(kit.logger);
    let release!: () => void;
    tasks.run("slow", () => new Promise<void>((resolve) => (release = resolve)));
    tasks.run("failing", async () => {
      throw new Error("notifications down");
    });
    expect(tasks.size).to.be.at.least(1);
    expect(await tasks.idle(50), "still running").to.equal(false);
    release();
    expect(await tasks.idle(1_000)).to.equal(true);
    expect(tasks.size).to.equal(0);
    expect(logs.find((line) => line.msg === "background task failed")).to.include({ task: "failing", err: "notifications down" });
  });

});

describe("kit: the server's own timeouts", () => {
  it("a request body that does not arrive within the receive deadline gets a JSON 408 and the connection closes", async () => {
    const app = new Hono().post("/echo", async (c) => c.json({ got: await c.req.text() }));
    app.onError((_err, c) => c.json({ error: "the body broke off" }, 400)); // its answer has nowhere to go: the 408 went first
    const running = await listen(app, { host: "127.0.0.1", port: 0, timeouts: { receiveMs: 300 } });
    try {
      const started = Date.now();
      const text = await new Promise<string>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port: running.port });
        let received = "";
        const drip = setInterval(() => socket.writable && socket.write("1\r\nx\r\n"), 100);
        socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearInterval(drip);
          resolve(received);
        });
        socket.write("POST /echo HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: chunked\r\n\r\n");
      });
      expect(text).to.match(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).to.deep.equal({ error: { code: "request_timeout", message: "the request took too long to arrive" } });
      expect(Date.now() - started).to.be.within(250, 2_000);
      // a whole request in time is served as usual
      expect(await (await fetch(`${running.url}/echo`, { method: "POST", body: "hi" })).json()).to.deep.equal({ got: "hi" });
    } finally {
      await running.close(1_000);
    }
  });

  it("the receive deadline bounds the request's arrival only, not the time the app takes to answer", async () => {
    const { app, waiting, releaseAll } = slowApp();
    const running = await listen(app, { host: "127.0.0.1", port: 0, timeouts: { receiveMs: 200 } });
    try {
      const answer = fetch(`${running.url}/slow`);
      await waitFor("the request to arrive", () => waiting.length === 1);
      // a second client that never finishes its head is cut: the deadline has passed for the first one too
      const cut = await new Promise<string>((resolve) => {
        const socket = connect({ host: "127.0.0.1", port: running.port });
        let received = "";
        socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
        socket.on("error", () => undefined);
        socket.on("close", () => resolve(received));
        socket.write("GET /fast HTTP/1.1\r\nhost: 127.0.0.1\r\n");
      });
      expect(cut).to.match(/^HTTP\/1\.1 408 /);
      releaseAll();
      expect((await answer).status).to.equal(200);
    } finally {
      await running.close(1_000);
    }
  });

  it("sets the server's timeouts explicitly: receive, headers and keep-alive", async () => {
    const running = await listen(new Hono(), { host: "127.0.0.1", port: 0 });
    try {
      expect(running.server.requestTimeout).to.equal(DEFAULT_SERVER_TIMEOUTS.receiveMs);
      expect(running.server.headersTimeout).to.equal(DEFAULT_SERVER_TIMEOUTS.headersMs);
      expect(running.server.keepAliveTimeout).to.equal(DEFAULT_SERVER_TIMEOUTS.keepAliveMs);
      expect(DEFAULT_SERVER_TIMEOUTS).to.deep.equal({ receiveMs: 10_000, headersMs: 10_000, keepAliveMs: 65_000 });
    } finally {
      await running.close(1_000);
    }
  });
});
