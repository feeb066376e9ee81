/**
 * The launcher's reaper: a small detached process that stops what the
 * launcher started if the launcher dies without stopping it — SIGKILL, an
 * OOM kill, a CI job's timeout — when no handler of the launcher can run.
 *
 * The launcher holds the write end of the reaper's stdin and writes each
 * child's pid to it as it starts one. The kernel closes that pipe when the
 * launcher dies, however it dies: the reaper then sends SIGTERM to every
 * pid it was told of (each drains as on Ctrl-C), SIGKILL to any still there
 * after the grace period, and exits. A launcher that stops cleanly writes
 * "done" first, and the reaper exits without touching anything.
 *
 * The reaper runs `node -e` with the source below: plain JavaScript with no
 * imports, so it runs the same from the bundle (npm start) and from tsx (tests).
 */
import { spawn } from "node:child_process";

/** How long the children get to drain before SIGKILL. */
export const REAPER_GRACE_MS = 10_000;

const SOURCE = `
const pids = new Set();
let done = false;
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  const lines = pending.split("\\n");
  pending = lines.pop();
  for (const line of lines) {
    if (line === "done") done = true;
    else if (/^\\d+$/.test(line)) pids.add(Number(line));
  }
});
const signal = (pid, name) => { try { process.kill(pid, name); return true; } catch { return false; } };
// a zombie is gone too: whoever adopted the orphan may never collect its exit (no init in a container)
const fs = require("node:fs");
const proc = fs.existsSync("/proc/self/stat");
const alive = (pid) => {
  if (!proc) return signal(pid, 0);
  try { return !/^\\d+ \\(.*\\) Z/.test(fs.readFileSync("/proc/" + pid + "/stat", "utf8")); } catch { return false; }
};
process.stdin.on("close", () => {
  if (done) process.exit(0);
  const left = [...pids].filter((pid) => signal(pid, "SIGTERM"));
  if (!left.length) process.exit(0);
  const deadline = Date.now() + Number(process.argv[1]);
  const check = setInterval(() => {
    const remaining = left.filter(alive);
    if (remaining.length && Date.now() < deadline) return;
    for (const pid of remaining) signal(pid, "SIGKILL");
    clearInterval(check);
    process.exit(0);
  }, 100);
});
`;

export interface Reaper {
  /** Adds a process to stop if the launcher dies. */
  watch(pid: number): void;
  /** The launcher stopped everything itself: the reaper exits and stops nothing. */
  release(): void;
}

export function startReaper(graceMs = REAPER_GRACE_MS): Reaper {
  const child = spawn(process.execPath, ["-e", SOURCE, String(graceMs)], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  child.unref();
  const stdin = child.stdin!;
  stdin.on("error", () => undefined); // a reaper that died cannot be helped; the launcher goes on
  (stdin as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return {
    watch(pid) {
      if (!released) stdin.write(`${pid}\n`);
    },
    release() {
      if (released) return;
      released = true;
      stdin.end("done\n");
    },
  };
}
