/**
 * Every container's image is pinned by digest (`name@sha256:<64 hex>`), so
 * what runs is what was reviewed and a new build rolls the pods; and no
 * image says `:latest` (nor leaves the tag out, which means latest), digest
 * or not. During `pulumi preview` the services' digests are not known yet
 * (the engine reports "can't run policy during preview", advisory); the
 * check runs at `pulumi up`. An exact reference in the `digestPending`
 * config (digest-pending.ts) passes here and is reported, advisory, by
 * image-digest-pending instead.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { DIGEST_PENDING_SCHEMA, digestPending } from "../digest-pending";
import { allContainers, containerLabel, describe, podSpec } from "../kube-objects";

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** The tag of an image reference, if it names one (`host:5000/repo:tag@sha256:…` → "tag"). */
export function imageTag(image: string): string | undefined {
  const name = image.split("@")[0]!;
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  return colon < 0 ? undefined : lastSegment.slice(colon + 1);
}

export function imageProblems(image: string | undefined): string[] {
  if (image === undefined || image === "") return ["no image"];
  const problems: string[] = [];
  const pinned = DIGEST.test(image);
  const tag = imageTag(image);
  if (tag === "latest") problems.push('its tag is ":latest"');
  else if (tag === undefined && !pinned) problems.push('it names no tag, which means ":latest"');
  if (!pinned) problems.push("it is not pinned by digest");
  return problems;
}

export const imageByDigest: ResourceValidationPolicy = {
  name: "image-by-digest",
  description: "Every container image is pinned by digest (name@sha256:…), and none is :latest.",
  enforcementLevel: "mandatory",
  configSchema: DIGEST_PENDING_SCHEMA,
  validateResource: (args, reportViolation) => {
    const pod = podSpec(args);
    if (!pod) return args.notApplicable("not a workload");
    const pending = digestPending(args);
    for (const c of allContainers(pod)) {
      const image = c.spec["image"] as string | undefined;
      if (image !== undefined && pending.has(image)) continue;
      const problems = imageProblems(image);
      if (problems.length > 0) {
        reportViolation(
          `${describe(args)}, ${containerLabel(c)}: image ${JSON.stringify(image)}: ${problems.join("; ")}. Fix: reference the image as name@sha256:<digest> (a pushed build's repoDigest, or the digest \`docker buildx imagetools inspect <image>\` prints).`,
        );
      }
    }
  },
};
