/**
 * How many pods each service runs, per version track, and what the namespace
 * must budget for them. Every track autoscales. The canary mode decides how
 * small payment's v2 track may be:
 *
 *   "client" (dev, no mesh): cart splits charges per request by the canary
 *   weight, so pod counts do not set the split. v2 takes a few percent of
 *   payments, so it starts at one pod (HPA minimum 1) and scales on its own
 *   CPU like v1: payment is 2 + 1 pods at rest.
 *   "mesh": the mesh splits per request; both tracks keep the usual bounds.
 *   "flagger": Flagger (meshmart:canary flagger) runs payment's rollouts: one
 *   track (the first version), its target, which Flagger copies into a
 *   primary of the same bounds; both are budgeted.
 */
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../services/topology";
import type { Topology } from "../authz/graph";
import type { PodBudget } from "../quota";
import type { AutoscalingArgs, Resources } from "./spec";

/** "client": the caller (cart) splits per request; "mesh": the mesh's weighted routing does; "flagger": Flagger steps the mesh's weights. */
export type CanaryMode = "client" | "mesh" | "flagger";

/** Pods of the canary track at rest when the caller splits (the HPA's minimum; at least 1). */
export const CLIENT_CANARY_MIN_REPLICAS = 1;

export interface TrackPlan {
  readonly version: string;
  readonly replicas: number;
  readonly autoscaling?: AutoscalingArgs;
  /** Flagger's target: Flagger runs a copy of it (`<name>-primary`) and owns its Services. */
  readonly flagger?: true;
}

export interface PlanArgs {
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
  readonly canary: CanaryMode;
}

export type WorkloadPlan = { readonly [N in ServiceName]: readonly TrackPlan[] };

export function workloadPlan(args: PlanArgs, topology: Topology = SERVICES): WorkloadPlan {
  const autoscaling: AutoscalingArgs = {
    minReplicas: args.replicas,
    maxReplicas: args.maxReplicas,
    targetCpuUtilization: args.targetCpuUtilization,
  };
  const track = (version: string, replicas: number): TrackPlan => ({ version, replicas, autoscaling: { ...autoscaling, minReplicas: replicas } });
  const plan = {} as Record<ServiceName, TrackPlan[]>;
  for (const name of SERVICE_NAMES) {
    const versions = topology[name].versions;
    if (versions.length === 2 && args.canary === "flagger") {
      plan[name] = [{ ...track(versions[0]!, args.replicas), flagger: true }];
    } else if (versions.length === 2 && args.canary === "client") {
      plan[name] = [track(versions[0]!, args.replicas), track(versions[1]!, CLIENT_CANARY_MIN_REPLICAS)];
    } else {
      plan[name] = versions.map((version) => track(version, args.replicas));
    }
  }
  return plan;
}

/** Worst-case pods per track: the autoscaling maximum (or fixed count) plus one surge pod; twice for Flagger's target (its primary copy). */
export function podBudgets(plan: WorkloadPlan, perPod: Resources): PodBudget[] {
  return SERVICE_NAMES.flatMap((name) =>
    plan[name].map((t) => ({ count: ((t.autoscaling?.maxReplicas ?? t.replicas) + 1) * (t.flagger ? 2 : 1), resources: perPod })),
  );
}
