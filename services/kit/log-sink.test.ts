import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { waitFor } from "../../test/support/wait";
import { batchedDestination } from "./log-sink";

describe("kit: batched log destination (pino's sonic-boom)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "meshmart-log-sink-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a lone line soon without waiting for more, and not synchronously", async () => {
    const file = join(dir, "out.log");
    const destination = batchedDestination(file);
    await new Promise((resolve) => destination.once("ready", resolve));
    const started = performance.now();
    destination.write("alone\n");
    expect(readFileSync(file, "utf8"), "nothing is written synchronously").to.equal("");
    await waitFor("the lone line", () => readFileSync(file, "utf8") === "alone\n");
    expect(performance.now() - started, "a quiet service's line is not held back").to.be.below(500);
    destination.destroy();
  });

  it("while lines keep coming, writes them in far fewer writes than lines, losing none and keeping their order", async () => {
    const file = join(dir, "out.log");
    const destination = batchedDestination(file);
    let writes = 0;
    destination.on("write", () => writes++);
    const sent: string[] = [];
    const started = performance.now();
    while (performance.now() - started < 120) {
      const line = `line ${sent.length} ${"x".repeat(100)}`;
      sent.push(line);
      destination.write(`${line}\n`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const expected = sent.map((line) => `${line}\n`).join("");
    await waitFor("the last batch", () => readFileSync(file, "utf8").length === expected.length);
    expect(readFileSync(file, "utf8")).to.equal(expected);
    expect(writes, `${writes} writes for ${sent.length} lines`).to.be.below(sent.length / 4);
    destination.destroy();
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

  it("a service's last lines reach stdout when SIGTERM shuts it down", () => {
    const script = `
      const { createLogger } = require(${JSON.stringify(join(__dirname, "logger.ts"))});
      const { exitOnSignals } = require(${JSON.stringify(join(__dirname, "shutdown.ts"))});
      const logger = createLogger({ level: "info", base: { service: "demo" } });
      exitOnSignals(async () => { logger.info("stopped"); return 0; }, logger);
      logger.info("up");
      setTimeout(() => process.kill(process.pid, "SIGTERM"), 50);
      setInterval(() => undefined, 1000);
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", cwd: join(__dirname, "..", ".."), timeout: 20_000 });
    expect(child.status).to.equal(0);
    expect(child.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { msg: string }).msg)).to.deep.equal(["up", "stopped"]);
  });
});
