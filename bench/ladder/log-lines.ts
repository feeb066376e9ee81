/**
 * The logging layer alone, without HTTP around it: what one request's
 * access-log line costs in CPU — the request's child logger (observe.ts)
 * and accessLog()'s line, written to stdout, a pipe the parent drains, as
 * a service's stdout is. Runs in a child process per round (a fresh heap
 * and JIT, so rounds are independent), alternating the kit of this tree
 * with the kit of a git ref (LOG_BASELINE, default HEAD), and charges each
 * round the CPU time of every thread of its process (process.cpuUsage).
 * Far less noisy than the ladder's difference of two rungs.
 *
 *   npx tsx bench/ladder/log-lines.ts                       # this tree against HEAD
 *   LOG_BASELINE=9b29337 LOG_ROUNDS=15 npx tsx bench/ladder/log-lines.ts
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "../stats";
import { wholeNumberFromEnv } from "../whole-number";

const ROOT = join(__dirname, "..", "..");
/** The kit files the access log's line goes through. */
const KIT_FILES = ["logger.ts", "log-sink.ts", "redact.ts", "access-log.ts", "trace.ts"];
const LINES = 200_000;
const WARMUP = 20_000;
/** Requests finishing in one turn of the event loop, as under load. */
const PER_TURN = 10;

interface Measured {
  readonly usPerLine: number;
  /** Lines that never reached stdout though the process exited by process.exit() (the destination's exit flush). */
  readonly lost?: number;
}

/** Child side: LOG_KIT_DIR holds logger.ts and access-log.ts. */
async function child(kitDir: string): Promise<void> {
  const { createLogger } = (await import(join(kitDir, "logger.ts"))) as typeof import("../../services/kit/logger");
  const { accessLog } = (await import(join(kitDir, "access-log.ts"))) as typeof import("../../services/kit/access-log");
  const logger = createLogger({ level: "info", base: { service: "users", version: "v1" } });
  const run = async (count: number) => {
    for (let i = 0; i < count; i += PER_TURN) {
      for (let j = 0; j < PER_TURN; j++) {
        const requestLogger = logger.child({ request_id: `0b5d1c9e-8f0e-4d4c-9a53-${String(i + j).padStart(12, "0")}` });
        accessLog(requestLogger)({ requestId: "r", method: "GET", path: "/users/1", route: "/users/:id", status: 200, seconds: 0.000123, traceparent: undefined });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(WARMUP);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = process.cpuUsage();
  await run(LINES);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last batch's write, charged too
  const used = process.cpuUsage(before);
  process.stderr.write(`${JSON.stringify({ usPerLine: (used.user + used.system) / LINES })}\n`);
  process.exit(0);
}

function round(kitDir: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", __filename], { cwd: ROOT, env: { ...process.env, LOG_KIT_DIR: kitDir }, stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    proc.stdout.on("data", (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++;
    });
    let err = "";
    proc.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    proc.on("close", (code) => {
      const last = err.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`log-lines round failed (${code}): ${err}`));
      resolve({ ...(JSON.parse(last) as Measured), lost: LINES + WARMUP - lines });
    });
  });
}

/** The kit files of `ref` in a directory of their own, resolving packages from this tree's node_modules. */
function kitAt(ref: string): { dir: string; remove(): void } {
  const top = mkdtempSync(join(tmpdir(), "meshmart-log-baseline-"));
  const dir = join(top, "services", "kit");
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(top, "node_modules"));
  for (const file of KIT_FILES) writeFileSync(join(dir, file), execFileSync("git", ["show", `${ref}:services/kit/${file}`], { cwd: ROOT }));
  return { dir, remove: () => rmSync(top, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const ref = process.env.LOG_BASELINE ?? "HEAD";
  const rounds = wholeNumberFromEnv(process.env, "LOG_ROUNDS", 9);
  const baseline = kitAt(ref);
  const current = join(ROOT, "services", "kit");
  const results = { baseline: [] as number[], current: [] as number[] };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const which of i % 2 === 0 ? (["baseline", "current"] as const) : (["current", "baseline"] as const)) {
        const measured = await round(which === "baseline" ? baseline.dir : current);
        results[which].push(measured.usPerLine);
        process.stdout.write(`log-lines: round ${i + 1}/${rounds} ${which.padEnd(8)} ${measured.usPerLine.toFixed(3)} µs per request's line${measured.lost ? `, ${measured.lost} lines lost at exit` : ""}\n`);
      }
    }
  } finally {
    baseline.remove();
  }
  const describe = (values: number[]) => `median ${median(values).toFixed(2)} µs (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
  process.stdout.write(`log-lines: Node ${process.version}, ${rounds} rounds of ${LINES} lines: ${ref} ${describe(results.baseline)}; this tree ${describe(results.current)}\n`);
  process.stdout.write(`${JSON.stringify({ node: process.version, ref, rounds, lines: LINES, ...results })}\n`);
}

if (process.env.LOG_KIT_DIR) void child(process.env.LOG_KIT_DIR);
else if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`log-lines: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
