/**
 * The mesh report's cluster, for real: the Pulumi CLI on the backend the user
 * is logged in to (a local file backend in the kind workflow) and kubectl on
 * the ambient kubeconfig, each a child process (never a shell).
 *
 * The stack's own Pulumi.<stack>.yaml is never edited: each `pulumi up` and
 * `destroy` reads a copy in the run's directory (--config-file) with the load
 * generator on at the wanted rate and the edge's per-client limit raised to
 * let it through (meshmart:loadGeneratorRate may not exceed
 * meshmart:ingressRateLimitRps, stacks/config.ts), and the edge's TLS off:
 * the report compares the meshes, not the edge's handshakes, and a stack file
 * with edgeTls cert-manager would refuse the generator (stacks/config.ts).
 */
import { execFile, spawn } from "node:child_process";
import { cpus, platform, release, totalmem } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { PROMETHEUS_SERVICE } from "../../infra/platform/monitoring";
import { LOAD_GENERATOR } from "../../infra/authz/graph";
import { LINKERD_CNI_NAMESPACE } from "../../infra/mesh/linkerd/linkerd-values";
import { leftovers, PROGRAM_NAMESPACES } from "../cluster-checks/leftovers";
import { kubectlOk } from "../cluster-checks/kubectl";
import { freePort } from "../launcher/ports";
import type { MeshCluster, PrometheusConnection } from "./mesh-cluster";
import type { MachineDescription, StackName } from "./run-state";

export interface PulumiClusterOptions {
  /** The project directory (Pulumi.yaml). */
  readonly projectDir: string;
  /** The run's directory: the config copies go there. */
  readonly runDir: string;
  /** The highest rate of the plan: the edge's per-client limit is set to it. */
  readonly maxRate: number;
  /** Where it runs, in words, for the report. */
  readonly label: string;
  readonly readyTimeoutMs?: number;
}

function run(command: string, args: readonly string[], options: { cwd?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, signal: options.signal, timeout: options.timeoutMs ?? 3_600_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(" ")} failed: ${String(stderr).trim().split("\n").slice(-15).join("\n") || err.message}`));
      else resolve(String(stdout));
    });
  });
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
});

interface Workload {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly generation?: number };
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly observedGeneration?: number; readonly readyReplicas?: number; readonly updatedReplicas?: number; readonly numberReady?: number; readonly desiredNumberScheduled?: number; readonly updatedNumberScheduled?: number };
}

/** Why a Deployment, StatefulSet or DaemonSet is not ready yet; undefined when it is. */
export function notReady(w: Workload): string | undefined {
  const s = w.status ?? {};
  const name = `${w.kind}/${w.metadata.name}`;
  if (w.metadata.generation !== undefined && s.observedGeneration !== w.metadata.generation) return `${name}: not observed yet`;
  if (w.kind === "DaemonSet") {
    const want = s.desiredNumberScheduled ?? 0;
    return (s.numberReady ?? 0) >= want && (s.updatedNumberScheduled ?? 0) >= want ? undefined : `${name}: ${s.numberReady ?? 0}/${want} ready, ${s.updatedNumberScheduled ?? 0}/${want} updated`;
  }
  const want = w.spec?.replicas ?? 1;
  return (s.readyReplicas ?? 0) >= want && (s.updatedReplicas ?? 0) >= want ? undefined : `${name}: ${s.readyReplicas ?? 0}/${want} ready, ${s.updatedReplicas ?? 0}/${want} updated`;
}

export class PulumiCluster implements MeshCluster {
  private readonly stackConfig = new Map<StackName, Record<string, unknown>>();

  constructor(private readonly o: PulumiClusterOptions) {}

  private pulumi(args: string[], signal?: AbortSignal): Promise<string> {
    return run("pulumi", [...args, "--non-interactive"], { cwd: this.o.projectDir, signal });
  }

  /** The stack's settings (namespaces) as the program reads them: its Pulumi.<stack>.yaml, then the project's defaults. */
  private setting(stack: StackName, key: string, fallback: string): string {
    const config = this.stackConfig.get(stack) ?? {};
    const value = config[`meshmart:${key}`];
    return typeof value === "string" ? value : fallback;
  }

  /** The shop's and the monitoring namespace of the stack (after its first up or destroy has read its config). */
  namespacesOf(stack: StackName): { shop: string; monitoring: string } {
    const { shop, monitoring } = this.namespaces(stack);
    return { shop, monitoring };
  }

  private namespaces(stack: StackName): { shop: string; monitoring: string; all: string[] } {
    const shop = this.setting(stack, "namespace", "meshmart");
    const monitoring = this.setting(stack, "monitoringNamespace", "monitoring");
    return { shop, monitoring, all: [...new Set([...PROGRAM_NAMESPACES, shop, monitoring, LINKERD_CNI_NAMESPACE])] };
  }

  /** Writes the config copy for `rate` and returns its path. */
  private async configFile(stack: StackName, rate: number): Promise<string> {
    await this.pulumi(["stack", "select", "--create", stack]);
    const own = join(this.o.projectDir, `Pulumi.${stack}.yaml`);
    const doc = (existsSync(own) ? (parse(readFileSync(own, "utf8")) as { config?: Record<string, unknown> } | null) : null) ?? {};
    const config = { ...(doc.config ?? {}) };
    this.stackConfig.set(stack, config);
    const file = join(this.o.runDir, `Pulumi.${stack}.mesh-report.yaml`);
    const limit = Math.max(rate, this.o.maxRate, Number(config["meshmart:ingressRateLimitRps"] ?? 0));
    writeFileSync(file, stringify({ ...doc, config: { ...config, "meshmart:loadGenerator": true, "meshmart:edgeTls": "off", "meshmart:loadGeneratorRate": rate, "meshmart:ingressRateLimitRps": limit } }));
    return file;
  }

  async describe(): Promise<MachineDescription> {
    const nodes = JSON.parse(await kubectlOk(["get", "nodes", "-o", "json"])) as {
      items: { metadata: { name: string }; status: { capacity: Record<string, string>; nodeInfo: Record<string, string> } }[];
    };
    return {
      label: this.o.label,
      host: { cpuModel: cpus()[0]?.model ?? "unknown", cpus: cpus().length, memoryBytes: totalmem(), platform: platform(), release: release() },
      nodes: nodes.items.map((n) => ({
        name: n.metadata.name,
        cpu: n.status.capacity.cpu ?? "?",
        memory: n.status.capacity.memory ?? "?",
        kernel: n.status.nodeInfo.kernelVersion ?? "?",
        os: n.status.nodeInfo.osImage ?? "?",
        kubelet: n.status.nodeInfo.kubeletVersion ?? "?",
        runtime: n.status.nodeInfo.containerRuntimeVersion ?? "?",
        arch: n.status.nodeInfo.architecture ?? "?",
      })),
    };
  }

  async up(stack: StackName, rate: number, signal: AbortSignal): Promise<void> {
    const file = await this.configFile(stack, rate);
    await this.pulumi(["up", "--yes", "--skip-preview", "--stack", stack, "--config-file", file], signal);
  }

  async waitReady(stack: StackName, signal: AbortSignal): Promise<void> {
    if (!this.stackConfig.has(stack)) await this.configFile(stack, this.o.maxRate).catch(() => undefined);
    const deadline = Date.now() + (this.o.readyTimeoutMs ?? 900_000);
    const existing = async () => {
      const names = (JSON.parse(await kubectlOk(["get", "namespaces", "-o", "json"])) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
      return this.namespaces(stack).all.filter((n) => names.includes(n)).concat(names.includes("kube-system") ? ["kube-system"] : []);
    };
    for (;;) {
      const waiting: string[] = [];
      for (const ns of await existing()) {
        const items = (JSON.parse(await kubectlOk(["get", "deployments,statefulsets,daemonsets", "-n", ns, "-o", "json"])) as { items: Workload[] }).items;
        // in kube-system only Istio's CNI node agent is the program's
        for (const w of items.filter((i) => ns !== "kube-system" || i.metadata.name.startsWith("istio-cni"))) {
          const why = notReady(w);
          if (why) waiting.push(`${ns}/${why}`);
        }
      }
      if (waiting.length === 0) return;
      if (Date.now() > deadline) throw new Error(`workloads not ready: ${waiting.join("; ")}`);
      await sleep(5_000, signal);
    }
  }

  async setRate(stack: StackName, rate: number, signal: AbortSignal): Promise<void> {
    await this.up(stack, rate, signal);
    await kubectlOk(["rollout", "status", `deployment/${LOAD_GENERATOR}`, "-n", this.namespaces(stack).shop, "--timeout=600s"], { timeoutMs: 660_000 });
  }

  async prometheus(stack: StackName, signal: AbortSignal): Promise<PrometheusConnection> {
    const port = await freePort();
    const child = spawn("kubectl", ["-n", this.namespaces(stack).monitoring, "port-forward", `svc/${PROMETHEUS_SERVICE}`, `${port}:9090`], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const url = `http://127.0.0.1:${port}`;
    const close = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    };
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`kubectl port-forward to ${PROMETHEUS_SERVICE} exited: ${stderr.trim()}`);
      const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
      if (ok) return { url, close };
      if (Date.now() > deadline || signal.aborted) {
        await close();
        signal.throwIfAborted();
        throw new Error(`Prometheus not ready through the port-forward after 120 s: ${stderr.trim()}`);
      }
      await sleep(2_000);
    }
  }

  async destroy(stack: StackName): Promise<void> {
    const file = await this.configFile(stack, this.o.maxRate);
    await this.pulumi(["destroy", "--yes", "--skip-preview", "--stack", stack, "--config-file", file]);
  }

  async leftovers(stack: StackName): Promise<string[]> {
    const report = await leftovers({ namespaces: this.namespaces(stack).all });
    return report.findings.filter((f) => !f.ok).map((f) => f.what);
  }
}

