/**
 * Service containers for the image tests, run the way the issue demands:
 * host network (our dockerd has no bridge), read-only root filesystem, uid
 * and gid 10001, no capabilities, no privilege escalation. Every container
 * carries this run's label, so cleanup finds all of them, even from a signal
 * handler.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { type ServiceName } from "../../services/topology";
import type { DockerCli } from "../../scripts/images/docker";

export const HARDENING = [
  "--network", "host",
  "--read-only",
  "--user", "10001:10001",
  "--cap-drop", "ALL",
  "--security-opt", "no-new-privileges",
] as const;

export interface Container {
  readonly id: string;
  readonly service: ServiceName;
  readonly url: string;
}

/** The kernel's view of a container's main process (/proc/<host pid>/status). */
export interface ProcessStatus {
  readonly uid: readonly number[];
  readonly gid: readonly number[];
  readonly capEff: bigint;
  readonly noNewPrivs: boolean;
  /** PIDs in each nested namespace, outermost first: the last is the container's. */
  readonly nsPid: readonly number[];
}

export class Containers {
  readonly label: string;

  constructor(private readonly docker: DockerCli) {
    this.label = `meshmart.test.images=${process.pid}-${Date.now()}`;
  }

  /** Starts `image` detached on 127.0.0.1:`port`; resolves once Docker has started it. */
  async run(service: ServiceName, image: string, port: number, env: Record<string, string>, extra: readonly string[] = []): Promise<Container> {
    const envArgs = Object.entries({ ...env, PORT: String(port) }).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
    const id = await this.docker.text([
      "run", "--detach", "--label", this.label, "--name", `meshmart-test-${service}-${port}`,
      ...HARDENING, ...extra, ...envArgs, image,
    ]);
    return { id, service, url: `http://127.0.0.1:${port}` };
  }

  /** Waits until GET `path` answers 200, or fails with the container's logs. */
  async waitForHttp(container: Container, path: string, timeoutMs = 30_000): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    let last = "no answer yet";
    while (Date.now() < deadline) {
      const response = await fetch(`${container.url}${path}`, { signal: AbortSignal.timeout(2_000) }).catch((err: Error) => err);
      if (response instanceof Response && response.ok) return response;
      last = response instanceof Response ? `HTTP ${response.status}` : response.message;
      if ((await this.docker.text(["inspect", "--format", "{{.State.Running}}", container.id])) !== "true") break;
      await sleep(100);
    }
    throw new Error(`${container.service}: GET ${path} never answered 200 (${last})\n${await this.logs(container)}`);
  }

  async logs(container: Container): Promise<string> {
    const output = await this.docker.run(["logs", "--tail", "30", container.id]).catch((err: Error) => err.message);
    return `--- docker logs ${container.service} ---\n${output}`;
  }

  status(container: Container): Promise<ProcessStatus> {
    return this.docker.text(["inspect", "--format", "{{.State.Pid}}", container.id]).then((pid) => readStatus(Number(pid)));
  }

  /** Sends SIGTERM and waits for the exit: the code and how long it took. */
  async terminate(container: Container): Promise<{ exitCode: number; ms: number }> {
    const started = Date.now();
    await this.docker.run(["kill", "--signal", "SIGTERM", container.id]);
    const exitCode = Number(await this.docker.text(["wait", container.id]));
    return { exitCode, ms: Date.now() - started };
  }

  /** Removes every container of this run. */
  async removeAll(): Promise<void> {
    const ids = (await this.docker.text(["ps", "--all", "--quiet", "--filter", `label=${this.label}`])).split("\n").filter(Boolean);
    if (ids.length) await this.docker.run(["rm", "--force", "--volumes", ...ids]);
  }

  /** The same, for signal handlers. */
  removeAllSync(): void {
    const ids = (this.docker.runSync(["ps", "--all", "--quiet", "--filter", `label=${this.label}`]) ?? "").split("\n").filter(Boolean);
    if (ids.length) this.docker.runSync(["rm", "--force", "--volumes", ...ids]);
  }
}

export function readStatus(pid: number): ProcessStatus {
  const fields = new Map(
    readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .map((line) => line.split(/:\s*/, 2) as [string, string]),
  );
  const numbers = (key: string) => (fields.get(key) ?? "").split(/\s+/).filter(Boolean).map(Number);
  return {
    uid: numbers("Uid"),
    gid: numbers("Gid"),
    capEff: BigInt(`0x${fields.get("CapEff") ?? "ffffffffffffffff"}`),
    noNewPrivs: fields.get("NoNewPrivs") === "1",
    nsPid: numbers("NSpid"),
  };
}
