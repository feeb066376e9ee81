/**
 * The Docker CLI, pointed at one daemon. Every image script and the image tests
 * talk to Docker only through this, so the daemon's address (our private
 * dockerd or the machine's own) is decided once, and every failure names the
 * command and shows what Docker said.
 */
import { execFile, execFileSync, spawn } from "node:child_process";

/** How a docker command is run. */
export interface DockerRunOptions {
  /** Bytes written to the command's stdin (e.g. a root filesystem tarball). */
  readonly input?: NodeJS.ReadableStream;
  /** Kill the command after this long (default 10 minutes). */
  readonly timeoutMs?: number;
  /** Called with every line the command prints (stdout and stderr). */
  readonly onLine?: (line: string) => void;
}

/** A failed docker command: the command line, its exit status and its output. */
export class DockerError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`docker ${args.join(" ")} failed (${exitCode === null ? "killed" : `exit ${exitCode}`}):\n${tail(output, 40)}`);
    this.name = "DockerError";
  }
}

export class DockerCli {
  /**
   * @param host DOCKER_HOST for every command (e.g. unix:///run/x.sock), or
   *   undefined for the CLI's own default (DOCKER_HOST from the environment or
   *   /var/run/docker.sock).
   */
  constructor(readonly host: string | undefined) {}

  /** The environment every docker command runs with. */
  env(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    if (this.host) env.DOCKER_HOST = this.host;
    return env;
  }

  /** Runs `docker <args>` and resolves with its stdout; rejects with a DockerError. */
  run(args: readonly string[], options: DockerRunOptions = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn("docker", args, {
        env: this.env(),
        stdio: [options.input ? "pipe" : "ignore", "pipe", "pipe"],
        timeout: options.timeoutMs ?? 600_000,
      });
      let stdout = "";
      let output = "";
      const outLines = lineSplitter(options.onLine);
      const errLines = lineSplitter(options.onLine);
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        output += chunk;
        outLines(chunk);
      });
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        errLines(chunk);
      });
      if (options.input && child.stdin) {
        options.input.on("error", (err) => {
          child.kill();
          reject(err);
        });
        options.input.pipe(child.stdin);
      }
      child.on("error", (err) => reject(enoent(err)));
      child.on("close", (code) => {
        outLines("\n");
        errLines("\n");
        if (code === 0) resolve(stdout);
        else reject(new DockerError(args, code, output));
      });
    });
  }

  /** `docker <args>`, stdout trimmed. */
  async text(args: readonly string[]): Promise<string> {
    return (await this.run(args)).trim();
  }

  /** Whether `docker <args>` succeeds (e.g. `image inspect <tag>`). */
  async succeeds(args: readonly string[]): Promise<boolean> {
    return this.run(args).then(
      () => true,
      (err: unknown) => {
        if (err instanceof DockerError) return false;
        throw err;
      },
    );
  }

  /** Whether a daemon answers at this address, within `timeoutMs`. */
  reachable(timeoutMs = 5_000): Promise<boolean> {
    return new Promise((resolve) => {
      execFile(
        "docker",
        ["version", "--format", "{{.Server.Version}}"],
        { env: this.env(), timeout: timeoutMs },
        (err) => resolve(!err),
      );
    });
  }

  /**
   * Synchronous variant for signal handlers, where the event loop will not
   * turn again: returns stdout, or undefined when the command fails.
   */
  runSync(args: readonly string[], timeoutMs = 30_000): string | undefined {
    try {
      return execFileSync("docker", args, { env: this.env(), timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"] }).toString();
    } catch {
      return undefined;
    }
  }
}

function enoent(err: Error & { code?: string }): Error {
  if (err.code !== "ENOENT") return err;
  return new Error("the docker CLI is not installed (Debian: apt-get install docker.io)");
}

/** Feeds chunks in, calls `onLine` once per complete non-empty line. */
function lineSplitter(onLine: ((line: string) => void) | undefined): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    if (!onLine) return;
    pending += chunk;
    const parts = pending.split(/\r?\n/);
    pending = parts.pop() ?? "";
    for (const line of parts) if (line.trim()) onLine(line);
  };
}

/**
 * The environment for root-only programs (dockerd, debootstrap): PATH with the
 * sbin directories Debian installs them in, which non-login shells may lack.
 */
export function withSbin(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const path = (env.PATH ?? "").split(":").filter(Boolean);
  for (const dir of ["/usr/local/sbin", "/usr/sbin", "/sbin"]) if (!path.includes(dir)) path.push(dir);
  return { ...env, PATH: path.join(":") };
}

/** The last `count` lines of `text`. */
export function tail(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}
