/**
 * A throwaway redis-server on loopback with no persistence: for `npm start`
 * when REDIS_URL is unset, and for the test suites (test/support/test-redis.ts).
 * Picks a free port unless told one (restarting on the same port is how the
 * tests bring Redis back), waits until it accepts connections, and stops it
 * without leaving anything behind.
 *
 * With `acl`, it runs with the same ACL users as the cluster's Redis (one
 * per service, the default user off: services/redis-acl.ts), from an ACL
 * file in a private temporary directory removed when it stops; and with
 * `maxmemory`, with the cluster's memory limit and `noeviction` policy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aclFile, REDIS_ACL, type RedisUser } from "../../services/redis-acl";
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
  /** requirepass, to test the services' REDIS_PASSWORD (the default user; not with `acl`). */
  readonly password?: string;
  /** Run with the ACL users of services/redis-acl.ts and these passwords; `admin` adds an all-powerful user for test harnesses. */
  readonly acl?: RedisAclOptions;
  /** maxmemory (e.g. "64mb") with the `noeviction` policy, as in the cluster. */
  readonly maxmemory?: string;
  /** Own process group, so a terminal's Ctrl-C reaches only our parent (which stops us in order). */
  readonly detached?: boolean;
  /** The executable; "redis-server" on PATH by default. */
  readonly command?: string;
  readonly readyTimeoutMs?: number;
}

export interface RedisAclOptions {
  readonly passwords: { readonly [U in RedisUser]: string };
  /** Password of user `admin` (every command, every key): for test harnesses only, never the services. */
  readonly admin?: string;
}

/** The name of the test harnesses' all-powerful user. */
export const REDIS_ADMIN_USER = "admin";

/** Fresh random passwords for every ACL user (128 bits each). */
export function newRedisPasswords(): { [U in RedisUser]: string } {
  const passwords = {} as { [U in RedisUser]: string };
  for (const user of Object.keys(REDIS_ACL) as RedisUser[]) passwords[user] = randomBytes(16).toString("hex");
  return passwords;
}

/** Writes the ACL file into a new private directory; returns its path and a remover. */
function writeAclFile(acl: RedisAclOptions): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "meshmart-redis-"));
  const path = join(dir, "users.acl");
  const plain = Object.fromEntries(Object.entries(acl.passwords).map(([user, password]) => [user, { plain: password }])) as Parameters<typeof aclFile>[0];
  const admin = acl.admin ? [`user ${REDIS_ADMIN_USER} on resetpass >${acl.admin} ~* &* +@all`] : [];
  writeFileSync(path, aclFile(plain, admin), { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
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

function argsFor(port: number, host: string, options: RedisServerOptions, aclPath: string | undefined): string[] {
  const args = ["--port", String(port), "--bind", host, "--save", "", "--appendonly", "no", "--dir", tmpdir(), "--daemonize", "no", "--loglevel", "notice"];
  if (options.password && aclPath) throw new Error("redis-server: requirepass is ignored with an ACL file; give the passwords in `acl`");
  if (options.password) args.push("--requirepass", options.password);
  if (aclPath) args.push("--aclfile", aclPath);
  if (options.maxmemory) args.push("--maxmemory", options.maxmemory, "--maxmemory-policy", "noeviction");
  return args;
}

/** Starts once on `port`; rejects with the reason when it exits before it is ready. */
function startOnce(options: RedisServerOptions, port: number, host: string): Promise<RedisServerProcess> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    let aclFileOnDisk: { path: string; remove: () => void } | undefined;
    try {
      aclFileOnDisk = options.acl ? writeAclFile(options.acl) : undefined;
      child = spawn(options.command ?? "redis-server", argsFor(port, host, options, aclFileOnDisk?.path), {
        stdio: ["ignore", "pipe", "pipe"],
        detached: options.detached ?? false,
      });
    } catch (err) {
      aclFileOnDisk?.remove();
      reject(err);
      return;
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once("exit", (code, signal) => {
        aclFileOnDisk?.remove();
        done({ code, signal });
      });
    });
    let output = "";
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`redis-server did not get ready within ${options.readyTimeoutMs ?? 10_000} ms:\n${output}`)), options.readyTimeoutMs ?? 10_000);
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      aclFileOnDisk?.remove();
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
        aclFileOnDisk?.remove();
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
