/**
 * A throwaway redis-server on loopback with no persistence: for `npm start`
 * when REDIS_URL is unset, and for the test suites (test/support/redis.ts).
 * Picks a free port unless told one (restarting on the same port is how the
 * tests bring Redis back), waits until it accepts connections, and stops it
 * without leaving anything behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { freePort } from "./ports";

export const REDIS_INSTALL_HINT =
  "redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server; " +
  "Fedora: sudo dnf install redis; macOS: brew install redis), or point REDIS_URL at a running Redis.";

export class RedisServerMissingError extends Error {
  constructor() {
    super(REDIS_INSTALL_HINT);
    this.name = "RedisServerMissingError";
  }
}

export interface RedisServerOptions {
  /** Port to listen on; a free one when omitted. */
  readonly port?: number;
  readonly host?: string;
  /** requirepass, to test the services' REDIS_PASSWORD. */
  readonly password?: string;
  /** Own process group, so a terminal's Ctrl-C reaches only our parent (which stops us in order). */
  readonly detached?: boolean;
  /** The executable; "redis-server" on PATH by default. */
  readonly command?: string;
  readonly readyTimeoutMs?: number;
}

export interface RedisServerProcess {
  readonly host: string;
  readonly port: number;
  /** redis://host:port (no password in it, like REDIS_URL). */
  readonly url: string;
  readonly pid: number;
  /** Settles when the process has exited, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The same from a synchronous exit handler: SIGKILL, no waiting. */
  stopSync(): void;
}

function argsFor(port: number, host: string, password: string | undefined): string[] {
  const args = ["--port", String(port), "--bind", host, "--save", "", "--appendonly", "no", "--dir", tmpdir(), "--daemonize", "no", "--loglevel", "notice"];
  if (password) args.push("--requirepass", password);
  return args;
}

/** Starts once on `port`; rejects with the reason when it exits before it is ready. */
function startOnce(options: RedisServerOptions, port: number, host: string): Promise<RedisServerProcess> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(options.command ?? "redis-server", argsFor(port, host, options.password), {
        stdio: ["ignore", "pipe", "pipe"],
        detached: options.detached ?? false,
      });
    } catch (err) {
      reject(err);
      return;
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once("exit", (code, signal) => done({ code, signal }));
    });
    let output = "";
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`redis-server did not get ready within ${options.readyTimeoutMs ?? 10_000} ms:\n${output}`)), options.readyTimeoutMs ?? 10_000);
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.once("error", (err: NodeJS.ErrnoException) => fail(err.code === "ENOENT" ? new RedisServerMissingError() : err));
    child.once("exit", (code, signal) => fail(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${output}`)));
    const onData = (chunk: Buffer) => {
      if (settled) return;
      output += chunk.toString();
      if (!/Ready to accept connections/.test(output)) return;
      settled = true;
      clearTimeout(timer);
      const stopSync = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      };
      resolve({
        host,
        port,
        url: `redis://${host}:${port}`,
        pid: child.pid!,
        exited,
        stopSync,
        async stop(signal: NodeJS.Signals = "SIGTERM") {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill(signal);
          const kill = setTimeout(stopSync, 5_000);
          await exited;
          clearTimeout(kill);
        },
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
  const host = options.host ?? "127.0.0.1";
  if (options.port !== undefined) return startOnce(options, options.port, host);
  let last: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await startOnce(options, await freePort(host), host);
    } catch (err) {
      if (err instanceof RedisServerMissingError) throw err;
      last = err; // most likely a port taken between freePort() and the bind
    }
  }
  throw last;
}
