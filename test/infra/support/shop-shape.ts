/**
 * The shop's shape as services/topology.ts declares it, for tests that count
 * what the program declares: a service with one version runs one Deployment
 * named after it, one with several runs one per version (`payment-v1`,
 * `payment-v2`), and Redis is the one StatefulSet beside them. Tests count
 * from here, so adding a service to the topology changes no number in them.
 */
import { SERVICE_NAMES, SERVICES } from "../../../services/topology";

/** The Deployments ("tracks") of the shop, by name. */
export const TRACKS: readonly string[] = SERVICE_NAMES.flatMap((name) =>
  SERVICES[name].versions.length > 1 ? SERVICES[name].versions.map((v) => `${name}-${v}`) : [name],
);

/**
 * The shop's tracks in a run with these config overrides: with meshmart:canary flagger a service of
 * several versions runs one Deployment named after it (Flagger's target; Flagger makes its primary).
 */
export function tracksOf(overrides: Readonly<Record<string, string>>): string[] {
  if (overrides["meshmart:canary"] !== "flagger") return [...TRACKS];
  return [...SERVICE_NAMES];
}

/** Every workload of the shop's namespace: the tracks and Redis. */
export const WORKLOADS: readonly string[] = [...TRACKS, "redis"];
