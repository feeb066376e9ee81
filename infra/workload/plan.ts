/**
 * How many pods each service runs, per version track, and what the namespace
 * must budget for them. The canary mode decides payment's tracks: without a
 * mesh the v1:v2 replica ratio is the traffic split (and so the replica counts
 * are fixed: an HPA per track would scale each side on its own and drift the
 * ratio); with a mesh the routing splits traffic and both tracks autoscale.
 */
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../services/topology";
import type { Topology } from "../authz/graph";
import type { PodBudget } from "../quota";
import { replicaSplit } from "./replicas";
import type { AutoscalingArgs, Resources } from "./spec";

export type CanaryMode = "replicas" | "mesh";

export interface TrackPlan {
  readonly version: string;
  readonly replicas: number;
  readonly autoscaling?: AutoscalingArgs;
}

export interface PlanArgs {
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
  readonly canary: { readonly mode: CanaryMode; readonly weight: number; readonly replicas: number };
}

export type WorkloadPlan = { readonly [N in ServiceName]: readonly TrackPlan[] };

export function workloadPlan(args: PlanArgs, topology: Topology = SERVICES): WorkloadPlan {
  const autoscaling: AutoscalingArgs = {
    minReplicas: args.replicas,
    maxReplicas: args.maxReplicas,
    targetCpuUtilization: args.targetCpuUtilization,
  };
  const plan = {} as Record<ServiceName, TrackPlan[]>;
  for (const name of SERVICE_NAMES) {
    const versions = topology[name].versions;
    if (versions.length === 2 && args.canary.mode === "replicas") {
      const split = replicaSplit(args.canary.weight, args.canary.replicas);
      plan[name] = [
        { version: versions[0]!, replicas: split.v1 },
        { version: versions[1]!, replicas: split.v2 },
      ];
    } else {
      plan[name] = versions.map((version) => ({ version, replicas: args.replicas, autoscaling }));
    }
  }
  return plan;
}

/** Worst-case pods per track: the autoscaling maximum (or fixed count) plus one surge pod. */
export function podBudgets(plan: WorkloadPlan, perPod: Resources): PodBudget[] {
  return SERVICE_NAMES.flatMap((name) =>
    plan[name].map((t) => ({ count: (t.autoscaling?.maxReplicas ?? t.replicas) + 1, resources: perPod })),
  );
}
