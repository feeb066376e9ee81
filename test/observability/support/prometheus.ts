/**
 * A real Prometheus (Debian's `prometheus` binary) for a test: scrapes the
 * given targets on 127.0.0.1 every second with the labels a ServiceMonitor
 * gives them in a cluster, evaluates the given rule files every second, and
 * answers PromQL over its HTTP API. Its TSDB and config live in a temporary
 * directory that stop() removes, with the process.
 *
 *   const prom = await startPrometheus({ namespace: "meshmart", targets, ruleGroups: [sloRules("meshmart")] });
 *   const { result } = await prom.query("up");
 *   await prom.stop();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "../../../scripts/launcher/ports";
import { waitFor } from "../../support/wait";

export interface ScrapeTarget {
  /** The job name (one per process scraped). */
  readonly job: string;
  /** host:port on 127.0.0.1. */
  readonly address: string;
  /** The Kubernetes Service the ServiceMonitor would have found it behind (its `service` target label). */
  readonly service: string;
}

export interface PrometheusOptions {
  readonly namespace: string;
  readonly targets: readonly ScrapeTarget[];
  /** Rule files' contents (a PrometheusRule's spec: { groups: [...] }), one file each. */
  readonly ruleGroups: readonly Record<string, unknown>[];
}

export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** One series of a range query: its labels and [unix seconds, value] points. */
export interface RangeSeries {
  readonly metric: Record<string, string>;
  readonly values: [number, string][];
}

export interface RuleState {
  readonly name: string;
  readonly type: "recording" | "alerting";
  readonly health: string;
  readonly lastError?: string;
  readonly query: string;
}

export interface RunningPrometheus {
  readonly url: string;
  /** An instant query; rejects with Prometheus's error text when it does not evaluate. */
  query(expr: string): Promise<{ resultType: string; result: Sample[] }>;
  /** A range query (GET /api/v1/query_range), times in unix seconds, step in seconds; rejects as query() does. */
  queryRange(expr: string, range: { start: number; end: number; step: number }): Promise<{ resultType: string; result: RangeSeries[] }>;
  /** Every rule as the rule manager last evaluated it (GET /api/v1/rules). */
  rules(): Promise<RuleState[]>;
  /** The scrape targets' health, by job. */
  targetsUp(): Promise<Record<string, string>>;
  /** What Prometheus printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** prometheus.yml as a ServiceMonitor with honorLabels and a namespace would scrape: the app's own labels win. */
export function prometheusConfig(options: PrometheusOptions, ruleFiles: readonly string[]): Record<string, unknown> {
  return {
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: ruleFiles,
    scrape_configs: options.targets.map((t) => ({
      job_name: t.job,
      honor_labels: true,
      metrics_path: "/metrics",
      static_configs: [{ targets: [t.address] }],
      // what prometheus-operator's relabelings add to a ServiceMonitor's targets (namespace, service)
      relabel_configs: [
        { target_label: "namespace", replacement: options.namespace },
        { target_label: "service", replacement: t.service },
      ],
    })),
  };
}

interface ApiAnswer<T> {
  status: "success" | "error";
  data: T;
  error?: string;
  errorType?: string;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as ApiAnswer<T>;
  if (body.status !== "success") throw new Error(`${body.errorType ?? response.status}: ${body.error ?? "no error text"}`);
  return body.data;
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "meshmart-prometheus-"));
  const ruleFiles = options.ruleGroups.map((groups, i) => {
    const file = join(dir, `rules-${i}.yml`);
    writeFileSync(file, stringify(groups));
    return file;
  });
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, stringify(prometheusConfig(options, ruleFiles)));

  let child: ChildProcess | undefined;
  let output = "";
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGTERM");
      const force = setTimeout(() => child!.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const killNow = () => child?.kill("SIGKILL");
  process.once("exit", killNow);

  try {
    // a port can be taken between freePort() and Prometheus's bind: try a few
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      output = "";
      const proc = spawn(
        "prometheus",
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${port}`,
          "--log.level=warn",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      child = proc;
      proc.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      proc.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const ready = await waitFor(
        `Prometheus ready on ${url}`,
        async () => {
          if (proc.exitCode !== null || proc.signalCode !== null) return "exited";
          const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
          return response.ok ? "ready" : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      if (ready === "ready") {
        return {
          url,
          query: (expr) => api(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`),
          queryRange: (expr, { start, end, step }) =>
            api(`${url}/api/v1/query_range?${new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) })}`),
          rules: async () => {
            const data = await api<{ groups: { rules: RuleState[] }[] }>(`${url}/api/v1/rules`);
            return data.groups.flatMap((g) => g.rules);
          },
          targetsUp: async () => {
            const data = await api<{ activeTargets: { labels: Record<string, string>; health: string }[] }>(`${url}/api/v1/targets`);
            return Object.fromEntries(data.activeTargets.map((t) => [t.labels.job!, t.health]));
          },
          output: () => output,
          stop: async () => {
            process.off("exit", killNow);
            await stop();
          },
        };
      }
      if (attempt >= 3) throw new Error(`prometheus exited before it was ready:\n${output}`);
    }
  } catch (err) {
    process.off("exit", killNow);
    await stop();
    throw err;
  }
}
