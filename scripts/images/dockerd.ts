/**
 * A Docker Engine to build and run the images on, without a registry and
 * without touching the machine's network: the machine's own daemon when one
 * answers, otherwise a private `dockerd --bridge=none --iptables=false
 * --ip-forward=false` (no bridge, no NAT, no private addresses; containers use
 * `--network host`) that we start, and stop again when done.
 *
 * The private daemon keeps its images in MESHMART_DOCKERD_ROOT (default
 * /var/lib/meshmart-docker), so the offline base image and the build cache
 * survive from one run to the next. Two runs on one machine take turns: an
 * exclusive lock (flock, released by the kernel if a run dies) guards it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DockerCli, tail, withSbin } from "./docker";

/** The flags these machines need: no bridge, no iptables, no forwarding (docs/images.md). */
export const DOCKERD_NETWORK_FLAGS = ["--bridge=none", "--iptables=false", "--ip-forward=false"] as const;

export interface DaemonOptions {
  /** Where the private daemon keeps its state (default MESHMART_DOCKERD_ROOT or /var/lib/meshmart-docker). */
  readonly root?: string;
  /** Storage driver for the private daemon (default MESHMART_DOCKERD_STORAGE_DRIVER, else dockerd's choice). */
  readonly storageDriver?: string;
  /** Progress messages. */
  readonly log?: (message: string) => void;
  /** How long to wait for another run holding the private daemon (default 20 minutes). */
  readonly lockTimeoutMs?: number;
}

/** A daemon in use; `stop` ends it only if this run started it. */
export interface Daemon {
  readonly docker: DockerCli;
  /** Whether this run started (or adopted) the daemon and so will stop it. */
  readonly owned: boolean;
  /** Stops the daemon if owned and releases the lock; safe to call twice. */
  stop(): Promise<void>;
  /** The same, synchronously, for signal handlers. */
  stopSync(): void;
}

export function defaultRoot(): string {
  return process.env.MESHMART_DOCKERD_ROOT || "/var/lib/meshmart-docker";
}

/** Finds or starts a daemon. */
export async function ensureDockerd(options: DaemonOptions = {}): Promise<Daemon> {
  const log = options.log ?? (() => {});

  // The user's choice, or the machine's own daemon: use it, never stop it.
  const ambient = new DockerCli(undefined);
  if (process.env.DOCKER_HOST) {
    if (await ambient.reachable()) return borrowed(ambient, log, `DOCKER_HOST=${process.env.DOCKER_HOST}`);
    throw new Error(`DOCKER_HOST=${process.env.DOCKER_HOST} is set but no Docker daemon answers there`);
  }
  if (await ambient.reachable()) return borrowed(ambient, log, "the machine's Docker daemon");

  const root = options.root ?? defaultRoot();
  if (process.getuid?.() !== 0) {
    throw new Error(
      "no Docker daemon is running and starting one needs root: run as root, or start Docker and set DOCKER_HOST",
    );
  }
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const lock = await acquireLock(join(root, "lock"), log, options.lockTimeoutMs ?? 20 * 60_000);
  try {
    const docker = new DockerCli(`unix://${join(root, "docker.sock")}`);
    const pidFile = join(root, "dockerd.pid");
    if (await docker.reachable()) {
      // A run that died without stopping its daemon; we hold the lock, so it is ours now.
      log(`adopting the private dockerd left running at ${root}`);
      return owned(docker, readPid(pidFile), root, lock, log);
    }
    const pid = await startDockerd(root, options.storageDriver ?? process.env.MESHMART_DOCKERD_STORAGE_DRIVER, docker, log);
    return owned(docker, pid, root, lock, log);
  } catch (err) {
    lock.release();
    throw err;
  }
}

function borrowed(docker: DockerCli, log: (m: string) => void, what: string): Daemon {
  log(`using ${what}`);
  return { docker, owned: false, stop: async () => {}, stopSync: () => {} };
}

function owned(docker: DockerCli, pid: number | undefined, root: string, lock: Lock, log: (m: string) => void): Daemon {
  let stopping = false;
  /** The pid to stop, the first time only. */
  const claim = (): number | undefined => {
    if (stopping) return undefined;
    stopping = true;
    if (pid === undefined) log("cannot stop the adopted dockerd: its pid file is missing");
    else log(`stopping dockerd (pid ${pid})`);
    return pid;
  };
  return {
    docker,
    owned: true,
    async stop() {
      try {
        const target = claim();
        if (target !== undefined) await terminate(target);
        if (target !== undefined) unmountUnder(join(root, "exec"));
      } finally {
        lock.release();
      }
    },
    stopSync() {
      try {
        const target = claim();
        if (target !== undefined) terminateSync(target);
        if (target !== undefined) unmountUnder(join(root, "exec"));
      } finally {
        lock.release();
      }
    },
  };
}

async function startDockerd(
  root: string,
  storageDriver: string | undefined,
  docker: DockerCli,
  log: (m: string) => void,
): Promise<number> {
  const logPath = join(root, "dockerd.log");
  const args = [
    ...DOCKERD_NETWORK_FLAGS,
    `--data-root=${join(root, "data")}`,
    `--exec-root=${join(root, "exec")}`,
    `--pidfile=${join(root, "dockerd.pid")}`,
    `--host=${docker.host}`,
    ...(storageDriver ? [`--storage-driver=${storageDriver}`] : []),
  ];
  log(`starting dockerd ${args.join(" ")} (log: ${logPath})`);
  const fd = openSync(logPath, "w");
  let child: ChildProcess;
  try {
    // Its own process group: a Ctrl-C in the terminal reaches us, and we stop
    // the daemon after removing our containers, not the other way round.
    child = spawn("dockerd", args, { detached: true, stdio: ["ignore", fd, fd], env: withSbin() });
  } finally {
    closeSync(fd);
  }
  child.unref();
  const exited = new Promise<string>((resolve) => {
    child.on("error", (err: Error & { code?: string }) =>
      resolve(err.code === "ENOENT" ? "dockerd is not installed (Debian: apt-get install docker.io)" : err.message),
    );
    child.on("exit", (code, signal) => resolve(`dockerd exited (${signal ?? `code ${code}`})`));
  });
  const deadline = Date.now() + 60_000;
  let failure: string | undefined;
  void exited.then((why) => (failure = why));
  while (Date.now() < deadline) {
    if (failure) break;
    if (await docker.reachable(2_000)) {
      log(`dockerd is up (pid ${child.pid})`);
      return child.pid!;
    }
    await sleep(250);
  }
  if (!failure && child.pid) {
    terminate(child.pid).catch(() => {});
    failure = "dockerd did not answer within 60 s";
  }
  const output = safeRead(logPath);
  throw new Error(`${failure}\n${diagnose(output)}--- ${logPath} (last lines) ---\n${tail(output, 25)}`);
}

/** Known reasons dockerd refuses to start, from its log, with what to do. */
export function diagnose(log: string): string {
  const hints: string[] = [];
  if (/failed to mount overlay|overlay.*not supported|driver not supported|error initializing graphdriver/i.test(log)) {
    hints.push(
      "the storage driver cannot work on this filesystem: set MESHMART_DOCKERD_STORAGE_DRIVER=vfs (always works, uses more disk) or fuse-overlayfs (apt-get install fuse-overlayfs)",
    );
  }
  if (/cgroup/i.test(log) && /(no such file|not mounted|failed|error)/i.test(log)) {
    hints.push("cgroups are missing or read-only: dockerd needs a mounted cgroup v1 or v2 hierarchy (/sys/fs/cgroup)");
  }
  if (/pid file found|address already in use|Is another process using/i.test(log)) {
    hints.push("another dockerd already uses this state directory or socket: stop it, or set MESHMART_DOCKERD_ROOT");
  }
  if (/operation not permitted|permission denied/i.test(log)) {
    hints.push("the kernel refused an operation: dockerd needs root with full capabilities (not inside an unprivileged container)");
  }
  return hints.map((h) => `hint: ${h}\n`).join("");
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function readPid(path: string): number | undefined {
  const pid = Number.parseInt(safeRead(path), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * dockerd leaves mounts in its exec root when it exits (the host network
 * namespace it bind-mounts for --network host containers): unmount them,
 * deepest first, so a stopped daemon leaves nothing mounted behind.
 */
function unmountUnder(dir: string): void {
  const mounts = safeRead("/proc/self/mountinfo")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) spawnSync("umount", [point], { stdio: "ignore" });
}

/** Alive and not a zombie (a child we can no longer reap in a signal handler). */
export function isAlive(pid: number): boolean {
  const stat = safeRead(`/proc/${pid}/stat`);
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM, then SIGKILL after 30 s (dockerd first stops its containers). */
async function terminate(pid: number): Promise<void> {
  signal(pid, "SIGTERM");
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited === 30_000) signal(pid, "SIGKILL");
    await sleep(100);
  }
}

function terminateSync(pid: number): void {
  signal(pid, "SIGTERM");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited === 30_000) signal(pid, "SIGKILL");
    Atomics.wait(pause, 0, 0, 100);
  }
}

interface Lock {
  release(): void;
}

/**
 * An exclusive flock on `path`, held by a tiny `flock … cat` child that lives
 * as long as our end of its stdin: released on `release()`, and by the kernel
 * if this process dies in any way.
 */
async function acquireLock(path: string, log: (m: string) => void, timeoutMs: number): Promise<Lock> {
  const child = spawn("flock", ["--exclusive", path, "sh", "-c", "echo locked; exec cat >/dev/null"], {
    detached: true,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const owner = `${path}.owner`;
  const acquired = new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("error", (err) => reject(new Error(`cannot take the lock ${path}: ${err.message} (flock is in util-linux)`)));
    child.once("exit", (code) => reject(new Error(`cannot take the lock ${path}: flock exited with ${code}`)));
  });
  // Worth seeing even where progress is quiet (the tests): say it on stderr.
  const waiting = setTimeout(() => {
    const message = `waiting for another image run to finish (${safeRead(owner).trim() || "unknown holder"})`;
    log(message);
    process.stderr.write(`meshmart images: ${message}\n`);
  }, 1_000);
  const timer = setTimeout(() => child.kill(), timeoutMs);
  try {
    await acquired;
  } catch (err) {
    throw timedOut(err, timeoutMs, path);
  } finally {
    clearTimeout(waiting);
    clearTimeout(timer);
  }
  writeFileSync(owner, `pid ${process.pid}: ${process.argv.slice(1).join(" ")}\n`);
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      child.stdin!.end();
      child.stdin!.destroy();
      child.stdout!.destroy();
    },
  };
}

function timedOut(err: unknown, timeoutMs: number, path: string): Error {
  return new Error(`gave up waiting ${timeoutMs / 1000} s for the lock ${path}: ${(err as Error).message}`);
}
