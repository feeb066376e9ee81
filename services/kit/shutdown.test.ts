/**
 * Graceful shutdown (shutdown.ts): the signals, in a process of its own
 * (test/support/signals-child.ts), and the sequence's report.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { activeMutant } from "../../test/support/active-mutant";
import { testKit } from "../../test/support/kit";
import { BackgroundTasks } from "./background";
import type { RunningServer } from "./server";
import { shutdown } from "./shutdown";

const CHILD = join(__dirname, "..", "..", "test", "support", "signals-child.ts");

/** Starts the child, sends `signals` (50 ms apart) once it is armed; resolves with its exit code and output lines. */
function signalled(mode: "ok" | "fail", signals: readonly NodeJS.Signals[]): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], { env: { PATH: process.env.PATH, SIGNALS_CHILD: mode, ...activeMutant() }, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      const armed = !output.includes("armed\n");
      output += chunk.toString();
      if (armed && output.includes("armed\n")) signals.forEach((signal, i) => setTimeout(() => child.kill(signal), i * 50));
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, lines: output.split("\n").filter((line) => line !== "" && line !== "armed") });
    });
  });
}

const messages = (lines: string[]) => lines.map((line) => (line.startsWith("{") ? (JSON.parse(line) as { level: string; msg: string; signal?: string; err?: { message?: string } }) : line));

describe("kit: graceful shutdown", function () {
  this.timeout(20_000);

  it("stops once on the first SIGTERM and exits with its code; a second signal is only noted", async () => {
    const { code, lines } = await signalled("ok", ["SIGTERM", "SIGTERM"]);
    expect(code).to.equal(7);
    const shown = messages(lines).map((line) => (typeof line === "string" ? line : { level: line.level, msg: line.msg, signal: line.signal }));
    expect(shown, "onSignal ran once").to.deep.equal(["handling SIGTERM", { level: "info", msg: "already shutting down", signal: "SIGTERM" }]);
  });

  it("does the same on SIGINT (a terminal's Ctrl-C)", async () => {
    const { code, lines } = await signalled("ok", ["SIGINT"]);
    expect({ code, lines }).to.deep.equal({ code: 7, lines: ["handling SIGINT"] });
  });

  it("a shutdown that fails is logged and the process still exits, with 1", async () => {
    const { code, lines } = await signalled("fail", ["SIGTERM"]);
    expect(code).to.equal(1);
    const logged = messages(lines).filter((line) => typeof line !== "string");
    expect(logged.map((line) => typeof line !== "string" && { level: line.level, msg: line.msg, err: line.err?.message })).to.deep.equal([{ level: "error", msg: "shutdown failed", err: "stores would not close" }]);
  });

  it("reports how long the sequence took, and exits 0 only when everything finished in time", async () => {
    const { kit, logs, lifecycle } = testKit("demo");
    // a drain of at least 150 ms by the same clock the report uses (a 150 ms timer can fire a millisecond early by Date.now())
    const drainUntil = (t0: number) => new Promise<boolean>((resolve) => {
      const check = () => (Date.now() - t0 >= 150 ? resolve(true) : setTimeout(check, 10));
      check();
    });
    const server = { close: (_ms: number) => drainUntil(Date.now()) } as unknown as RunningServer;
    const started = Date.now();
    const code = await shutdown({ logger: kit.logger, lifecycle, timeoutMs: 5_000, server, background: new BackgroundTasks(kit.logger) }, "SIGTERM");
    const took = Date.now() - started;
    const stopped = logs.find((line) => line.msg === "stopped")!;
    expect({ code, draining: lifecycle.draining, drained: stopped.drained, settled: stopped.background_settled }).to.deep.equal({ code: 0, draining: true, drained: true, settled: true });
    expect(stopped.duration_ms).to.be.a("number").within(150, took);
  });
});
