import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { waitFor } from "../../test/support/wait";
import { batchedSink } from "./log-sink";

describe("kit: batched log sink", () => {
  it("writes the lines of one turn of the event loop in one write, at the end of the turn", async () => {
    const writes: string[] = [];
    const sink = batchedSink((chunk) => writes.push(chunk));
    sink("one");
    sink("two");
    sink("three");
    expect(writes, "nothing is written synchronously").to.have.length(0);
    await waitFor("the batch", () => writes.length > 0);
    expect(writes).to.deep.equal(["one\ntwo\nthree\n"]);
  });

  it("writes at once when 16 KiB are waiting", () => {
    const writes: string[] = [];
    const sink = batchedSink((chunk) => writes.push(chunk));
    const line = "x".repeat(1023);
    for (let i = 0; i < 16; i++) sink(line);
    expect(writes).to.have.length(1);
    expect(writes[0]).to.have.length(16 * 1024);
  });

  it("while lines keep coming, writes at most once per 20 ms, losing none and keeping their order", async () => {
    const writes: { at: number; chunk: string }[] = [];
    const sink = batchedSink((chunk) => writes.push({ at: performance.now(), chunk }));
    const sent: string[] = [];
    const started = performance.now();
    while (performance.now() - started < 120) {
      const line = `line ${sent.length}`;
      sent.push(line);
      sink(line);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await waitFor("the last batch", () => writes.map((w) => w.chunk).join("").split("\n").length - 1 === sent.length);
    expect(writes.map((w) => w.chunk).join("")).to.equal(sent.map((line) => `${line}\n`).join(""));
    expect(writes.map((w) => w.chunk).join("").length, "never near the size limit here").to.be.below(8 * 1024);
    expect(writes.length, "far fewer writes than lines").to.be.below(sent.length / 2);
    for (let i = 1; i < writes.length; i++) expect(writes[i]!.at - writes[i - 1]!.at, "timers may fire a little early; never anywhere near every line").to.be.at.least(15);
  });

  it("writes what is still waiting when the process exits, even through process.exit()", () => {
    const script = `
      const { createLogger } = require(${JSON.stringify(join(__dirname, "logger.ts"))});
      const logger = createLogger({ level: "info", base: { service: "demo" } });
      for (let i = 0; i < 3; i++) logger.info("last words", { i });
      process.exit(3);
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", cwd: join(__dirname, "..", "..") });
    expect(child.status).to.equal(3);
    const lines = child.stdout.trim().split("\n").map((line) => JSON.parse(line) as { msg: string; i: number });
    expect(lines.map((line) => [line.msg, line.i])).to.deep.equal([
      ["last words", 0],
      ["last words", 1],
      ["last words", 2],
    ]);
  });
});
