/**
 * The authz probe in a cluster. For each caller service, one short-lived pod
 * in the shop's namespace that carries the caller's identity as the stack
 * enforces it: its ServiceAccount (the mesh identity, istio and linkerd
 * stacks) or its `app` label (what the dev stack's NetworkPolicies select).
 * From it, curl every target service (authz-table.ts): allowed edges must be
 * answered, every other pair refused. The pods are deleted afterwards.
 *
 * In dev the pod wears the caller's `app` label, which its Service selects
 * too; a readiness probe that never passes keeps it out of the Service's
 * endpoints, so no real traffic reaches it.
 */
import { kubectl, kubectlOk } from "./kubectl";
import { probeTable, verdict, type ProbeCase } from "./authz-table";
import { Findings, type CheckReport } from "./report";
import { SERVICE_NAMES, type ServiceName } from "../../services/topology";

/** curl 8.14.1, pinned by the digest of its multi-arch index (docs/upstream.md). */
export const CURL_IMAGE = "curlimages/curl:8.14.1@sha256:9a1ed35addb45476afa911696297f8e115993df459278ed036182dd2cd22b67b";

export interface ClusterAuthzOptions {
  readonly namespace: string;
  /** none (dev: labels), istio or linkerd (ServiceAccounts). */
  readonly mesh: string;
  /** Per-request timeout inside the pod; a dropped connection costs this much. */
  readonly requestTimeoutSeconds?: number;
}

/** The probe pod of `caller`; exported for the tests. */
export function probePod(caller: ServiceName, options: ClusterAuthzOptions, run: string): Record<string, unknown> {
  const byLabel = options.mesh === "none";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `authz-probe-${caller}-${run}`,
      namespace: options.namespace,
      labels: { "app.kubernetes.io/name": "authz-probe", "app.kubernetes.io/part-of": "meshmart", ...(byLabel ? { app: caller } : {}) },
    },
    spec: {
      serviceAccountName: caller,
      automountServiceAccountToken: false,
      restartPolicy: "Never",
      terminationGracePeriodSeconds: 0,
      // a probe pod that outlives a crashed run stops by itself
      activeDeadlineSeconds: 900,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "probe",
          image: CURL_IMAGE,
          command: ["sleep", "900"],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
          ...(byLabel ? { readinessProbe: { exec: { command: ["false"] }, periodSeconds: 3600 } } : {}),
        },
      ],
    },
  };
}

/** The curl command run inside the probe pod; prints only the status (000 when nothing answered). */
export function curlArgs(probe: ProbeCase, timeoutSeconds: number): string[] {
  const args = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", String(timeoutSeconds), "-X", probe.request.method];
  if (probe.request.body !== undefined) args.push("-H", "content-type: application/json", "--data", JSON.stringify(probe.request.body));
  return [...args, probe.url];
}

async function probeFrom(caller: ServiceName, cases: readonly ProbeCase[], options: ClusterAuthzOptions, run: string, findings: Findings): Promise<void> {
  const pod = probePod(caller, options, run);
  const name = (pod.metadata as { name: string }).name;
  const ns = ["-n", options.namespace];
  await kubectlOk(["apply", "-f", "-"], { input: JSON.stringify(pod) });
  try {
    // mesh stacks: Ready once the proxy is (no app label, so no Service selects it); dev: Running (never Ready on purpose)
    const ready = options.mesh === "none" ? "jsonpath={.status.phase}=Running" : "condition=Ready";
    await kubectlOk(["wait", ...ns, `--for=${ready}`, `pod/${name}`, "--timeout=180s"], { timeoutMs: 200_000 });
    for (const probe of cases) {
      const result = await kubectl(["exec", ...ns, name, "-c", "probe", "--", ...curlArgs(probe, options.requestTimeoutSeconds ?? 5)], { timeoutMs: 60_000 });
      const status = result.stdout.trim() || "none";
      const seen = verdict(status);
      const expected = probe.allowed ? "answered" : "refused";
      findings.expect(seen === expected, `${probe.caller} -> ${probe.target} ${probe.request.method} ${new URL(probe.url).pathname}: ${status} (${seen}; ${probe.allowed ? "allowed" : "forbidden"} edge)`);
    }
  } finally {
    await kubectl(["delete", ...ns, "pod", name, "--ignore-not-found", "--grace-period=0", "--wait=true"], { timeoutMs: 120_000 });
  }
}

export async function clusterAuthz(options: ClusterAuthzOptions): Promise<CheckReport> {
  const findings = new Findings(`authz in the cluster (namespace ${options.namespace}, ${options.mesh === "none" ? "callers by pod labels" : `callers by ServiceAccount, ${options.mesh}`})`);
  const table = probeTable(options.namespace);
  const run = Math.random().toString(36).slice(2, 7);
  const results = await Promise.allSettled(SERVICE_NAMES.map((caller) => probeFrom(caller, table.filter((c) => c.caller === caller), options, run, findings)));
  for (const [i, r] of results.entries()) if (r.status === "rejected") findings.expect(false, `probe pod of ${SERVICE_NAMES[i]}: ${(r.reason as Error).message}`);
  return findings.report();
}
