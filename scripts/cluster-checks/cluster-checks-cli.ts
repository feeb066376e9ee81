/**
 * The cluster checks' command line; the same checks run against the local
 * shop (`npm start`) and against a cluster (the e2e-kind workflow):
 *
 *   tsx scripts/cluster-checks/cluster-checks-cli.ts smoke --base-url http://localhost:30080
 *   tsx scripts/cluster-checks/cluster-checks-cli.ts authz --base-url URL                 # the edge's public API only
 *   tsx scripts/cluster-checks/cluster-checks-cli.ts authz --base-url URL --namespace meshmart --mesh istio
 *                                          # + every service pair from probe pods (needs kubectl)
 *   tsx scripts/cluster-checks/cluster-checks-cli.ts canary --base-url URL --weight 5 --prometheus-url http://127.0.0.1:9090
 *   tsx scripts/cluster-checks/cluster-checks-cli.ts canary --base-url URL --weight 0 --metrics-url http://127.0.0.1:5003/metrics
 *   tsx scripts/cluster-checks/cluster-checks-cli.ts leftovers                           # after pulumi destroy (needs kubectl)
 *
 * Prints one report per check and exits 1 when any finding failed.
 */
import { parseArgs } from "node:util";
import { clusterAuthz } from "./authz-cluster";
import { canary } from "./canary";
import { leftovers, PROGRAM_NAMESPACES } from "./leftovers";
import { fromMetricsUrls, fromPrometheus } from "./payment-requests";
import { publicApi } from "./public-api-probe";
import { formatReport, type CheckReport } from "./report";
import { smoke } from "./smoke";

const USAGE = "usage: cluster-checks-cli.ts smoke|authz|canary|leftovers [--base-url URL] [--namespace NS --mesh none|istio|linkerd] [--weight P (--prometheus-url URL | --metrics-url URL...)] [--checkouts N] [--tolerance P]";

export async function run(argv: readonly string[]): Promise<CheckReport[]> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      "base-url": { type: "string" },
      namespace: { type: "string" },
      mesh: { type: "string" },
      weight: { type: "string" },
      "prometheus-url": { type: "string" },
      "metrics-url": { type: "string", multiple: true },
      checkouts: { type: "string" },
      tolerance: { type: "string" },
      "settle-timeout-ms": { type: "string" },
    },
  });
  const [check] = positionals;
  const baseUrl = values["base-url"];
  const number = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number; got ${JSON.stringify(value)}`);
    return n;
  };
  const needBaseUrl = (): string => {
    if (!baseUrl) throw new Error(`${check} needs --base-url (the shop's edge: the ingress URL, or the local gateway)`);
    return baseUrl;
  };

  switch (check) {
    case "smoke":
      return [await smoke({ baseUrl: needBaseUrl() })];
    case "authz": {
      const reports: CheckReport[] = [];
      if (baseUrl) reports.push(await publicApi({ baseUrl }));
      if (values.namespace || values.mesh) {
        if (!values.namespace || !values.mesh || !["none", "istio", "linkerd"].includes(values.mesh)) throw new Error("the in-cluster probe needs --namespace and --mesh none|istio|linkerd");
        reports.push(await clusterAuthz({ namespace: values.namespace, mesh: values.mesh }));
      }
      if (!reports.length) throw new Error("authz needs --base-url, or --namespace and --mesh, or both");
      return reports;
    }
    case "canary": {
      const weight = number("weight", values.weight);
      if (weight === undefined || weight > 100) throw new Error("canary needs --weight (percent of payments meant for v2, 0-100)");
      const metricsUrls = values["metrics-url"] ?? [];
      const prometheus = values["prometheus-url"];
      if (!prometheus === !metricsUrls.length) throw new Error("canary needs either --prometheus-url or --metrics-url (one per payment process)");
      return [
        await canary({
          baseUrl: needBaseUrl(),
          counts: prometheus ? fromPrometheus(prometheus) : fromMetricsUrls(metricsUrls),
          weightPercent: weight,
          checkouts: number("checkouts", values.checkouts),
          tolerancePercent: number("tolerance", values.tolerance),
          // Prometheus scrapes every 15 s: give it a few intervals
          settleTimeoutMs: number("settle-timeout-ms", values["settle-timeout-ms"]) ?? (prometheus ? 90_000 : 5_000),
        }),
      ];
    }
    case "leftovers":
      return [await leftovers({ namespaces: values.namespace ? [...new Set([...PROGRAM_NAMESPACES, values.namespace])] : PROGRAM_NAMESPACES })];
    default:
      throw new Error(USAGE);
  }
}

async function main(): Promise<void> {
  try {
    const reports = await run(process.argv.slice(2));
    for (const report of reports) console.log(formatReport(report));
    process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
  } catch (err) {
    console.error(`cluster-checks: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}

if (require.main === module) void main();
