/**
 * The namespace's ResourceQuota, derived from what the workloads may really
 * use (every Deployment at its autoscaling maximum plus one surge pod, Redis,
 * mesh sidecars), so the quota bounds the namespace without ever blocking a
 * scale-up or a rolling update the program itself asks for.
 */
import type { Resources } from "./workload/spec";

export interface PodBudget {
  /** Pods of this kind at the worst moment (max replicas + surge). */
  readonly count: number;
  /** Per-pod requests and limits (containers summed). */
  readonly resources: Resources;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Parses a Kubernetes quantity ("250m", "1.5", "64Mi", "1G") into a number of base units. */
export function parseQuantity(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|m|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
  const suffix = m[2] ?? "";
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return Number(m[1]) * factor!;
}

/** CPU in millicores ("2500m"). */
export function formatCpu(cores: number): string {
  // Round away float noise (0.05 + 0.1 = 0.15000000000000002) before rounding up.
  return `${Math.ceil(cores * 1000 - 1e-6)}m`;
}

/** Memory in mebibytes ("1536Mi"). */
export function formatMemory(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20 - 1e-9)}Mi`;
}

/** Adds two per-pod resource sets (an app container plus a sidecar). */
export function addResources(a: Resources, b: Resources): Resources {
  const sum = (x: string, y: string, fmt: (n: number) => string) => fmt(parseQuantity(x) + parseQuantity(y));
  return {
    requests: { cpu: sum(a.requests.cpu, b.requests.cpu, formatCpu), memory: sum(a.requests.memory, b.requests.memory, formatMemory) },
    limits: { cpu: sum(a.limits.cpu, b.limits.cpu, formatCpu), memory: sum(a.limits.memory, b.limits.memory, formatMemory) },
  };
}

/** The `hard` section of a ResourceQuota covering every budget. */
export function quotaFor(budgets: readonly PodBudget[]): Record<string, string> {
  let pods = 0;
  let reqCpu = 0;
  let reqMem = 0;
  let limCpu = 0;
  let limMem = 0;
  for (const b of budgets) {
    pods += b.count;
    reqCpu += b.count * parseQuantity(b.resources.requests.cpu);
    reqMem += b.count * parseQuantity(b.resources.requests.memory);
    limCpu += b.count * parseQuantity(b.resources.limits.cpu);
    limMem += b.count * parseQuantity(b.resources.limits.memory);
  }
  return {
    pods: String(pods),
    "requests.cpu": formatCpu(reqCpu),
    "requests.memory": formatMemory(reqMem),
    "limits.cpu": formatCpu(limCpu),
    "limits.memory": formatMemory(limMem),
    "persistentvolumeclaims": "4",
    "services.loadbalancers": "0",
    "services.nodeports": "0",
  };
}
