/**
 * Every container the program declares runs hardened, as the Pod Security
 * "restricted" profile asks and the shop's namespace enforces: non-root,
 * read-only root filesystem, no privilege escalation, every capability
 * dropped, seccomp RuntimeDefault, never privileged. runAsNonRoot, runAsUser
 * and seccompProfile may come from the pod's securityContext.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { allContainers, containerLabel, describe, podSpec } from "../kube-objects";

const FIX =
  'set the container\'s securityContext to {runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: {drop: ["ALL"]}, seccompProfile: {type: "RuntimeDefault"}} (runAsNonRoot and seccompProfile may sit on the pod instead)';

/** What is wrong with one container's effective security context. */
export function hardeningGaps(pod: Record<string, any>, container: Record<string, any>): string[] {
  const podSc = (pod["securityContext"] ?? {}) as Record<string, any>;
  const sc = (container["securityContext"] ?? {}) as Record<string, any>;
  const gaps: string[] = [];
  if ((sc["runAsNonRoot"] ?? podSc["runAsNonRoot"]) !== true) gaps.push("runAsNonRoot is not true");
  if ((sc["runAsUser"] ?? podSc["runAsUser"]) === 0) gaps.push("runAsUser is 0 (root)");
  if (sc["readOnlyRootFilesystem"] !== true) gaps.push("readOnlyRootFilesystem is not true");
  if (sc["allowPrivilegeEscalation"] !== false) gaps.push("allowPrivilegeEscalation is not false");
  if (sc["privileged"] === true) gaps.push("privileged is true");
  const drop = (sc["capabilities"]?.["drop"] ?? []) as string[];
  if (!drop.includes("ALL")) gaps.push('capabilities.drop lacks "ALL"');
  const seccomp = (sc["seccompProfile"] ?? podSc["seccompProfile"])?.["type"];
  if (seccomp !== "RuntimeDefault") gaps.push(`seccompProfile.type is ${seccomp === undefined ? "unset" : JSON.stringify(seccomp)}, not "RuntimeDefault"`);
  return gaps;
}

export const containerHardening: ResourceValidationPolicy = {
  name: "container-hardening",
  description: "Every container runs non-root with a read-only root filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault, and is never privileged.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    const pod = podSpec(args);
    if (!pod) return args.notApplicable("not a workload");
    for (const c of allContainers(pod)) {
      const gaps = hardeningGaps(pod, c.spec);
      if (gaps.length > 0) reportViolation(`${describe(args)}, ${containerLabel(c)}: ${gaps.join("; ")}. Fix: ${FIX}.`);
    }
  },
};
