/**
 * Advisory: names every container whose image is still run by tag because
 * its digest is pending (the `digestPending` config, digest-pending.ts), so
 * each preview says which images remain to pin.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DIGEST_PENDING_SCHEMA, digestPending } from "../digest-pending";
import { allContainers, containerLabel, describe, known, podSpec } from "../kube-objects";

export const imageDigestPending: ResourceValidationPolicy = {
  name: "image-digest-pending",
  description: "Advisory: an image accepted by tag until its digest is established (digestPending) is still not pinned.",
  enforcementLevel: "advisory",
  configSchema: DIGEST_PENDING_SCHEMA,
  validateResource: (args, reportViolation) => {
    const pod = podSpec(args);
    if (!pod) return args.notApplicable("not a workload");
    const pending = digestPending(args);
    for (const c of allContainers(pod)) {
      // A preview's unknown image is a build's digest, never a pending tag.
      const image = known(() => c.spec["image"] as string | undefined);
      if (image !== undefined && pending.has(image)) {
        reportViolation(`${describe(args)}, ${containerLabel(c)}: image ${JSON.stringify(image)} runs by tag; its digest is pending. Fix: pin it as name@sha256:<digest> from an upstream record of the tag, then drop it from digestPending.`);
      }
    }
  },
};
