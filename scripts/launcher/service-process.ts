/**
 * One service as a child process: `node <flags> dist/services/<name>.mjs`
 * (the images' flags, services/node-flags.ts) with its env, in a process group of its own (a terminal's Ctrl-C reaches only the
 * launcher, which stops everything in order). Resolves once the service logs
 * "listening" (with the port it got, so PORT=0 works), rejects with its last
 * output when it exits first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { SERVICE_NODE_FLAGS } from "../../services/node-flags";
import type { ServiceName } from "../../services/topology";

export interface ServiceProcess {
  readonly service: ServiceName;
  readonly pid: number;
  readonly port: number;
  readonly child: ChildProcess;
  /** Settles when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  readonly service: ServiceName;
  readonly distDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly node?: string;
  /** Node's and V8's flags, before the entry; the images' (services/node-flags.ts) unless given. */
  readonly nodeFlags?: readonly string[];
  /** Every line the service writes (stdout and stderr). */
  readonly onLine?: (line: string) => void;
  readonly listenTimeoutMs?: number;
}

export function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  const entry = join(options.distDir, "services", `${options.service}.mjs`);
  const child = spawn(options.node ?? process.execPath, [...(options.nodeFlags ?? SERVICE_NODE_FLAGS), entry], { env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    let listening = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${options.service} did not start listening within ${options.listenTimeoutMs ?? 20_000} ms:\n${recent.join("\n")}`));
    }, options.listenTimeoutMs ?? 20_000);
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.onLine?.(line);
      if (listening) return;
      let entry: { msg?: unknown; port?: unknown } | undefined;
      try {
        entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
      } catch {
        return;
      }
      if (entry?.msg === "listening" && typeof entry.port === "number") {
        listening = true;
        clearTimeout(timer);
        resolve({ service: options.service, pid: child.pid!, port: entry.port, child, exited });
      }
    };
    createInterface({ input: child.stdout! }).on("line", onLine);
    createInterface({ input: child.stderr! }).on("line", onLine);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${options.service} could not be started: ${err.message}`));
    });
    void exited.then(({ code, signal }) => {
      if (listening) return;
      clearTimeout(timer);
      // let readline deliver the last lines first
      setImmediate(() => reject(new Error(`${options.service} exited (${signal ?? `code ${code}`}) before listening:\n${recent.join("\n")}`)));
    });
  });
}
