/**
 * Every container declares CPU and memory requests (what the scheduler and
 * the namespace's ResourceQuota count) and limits (what keeps one pod from
 * starving the node). A LimitRange default does not count: the program says
 * what each container needs.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { allContainers, containerLabel, describe, podSpec } from "../kube-objects";

const REQUIRED = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "cpu"],
  ["limits", "memory"],
] as const;

export function missingResources(container: Record<string, any>): string[] {
  const resources = (container["resources"] ?? {}) as Record<string, Record<string, unknown> | undefined>;
  return REQUIRED.filter(([kind, name]) => resources[kind]?.[name] === undefined).map(([kind, name]) => `resources.${kind}.${name}`);
}

export const containerResources: ResourceValidationPolicy = {
  name: "container-resources",
  description: "Every container declares CPU and memory requests and limits.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const pod = podSpec(args);
    if (!pod) return args.notApplicable("not a workload");
    for (const c of allContainers(pod)) {
      const missing = missingResources(c.spec);
      if (missing.length > 0) {
        reportViolation(`${describe(args)}, ${containerLabel(c)}: no ${missing.join(", ")}. Fix: set resources.requests and resources.limits (cpu and memory) on the container.`);
      }
    }
  },
};
