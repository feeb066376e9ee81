/**
 * Images the program runs by tag because no upstream record of their
 * digest could be read (docs/upstream.md says why, per image). They are the
 * `digestPending` config's default: image-by-digest lets them pass and
 * image-digest-pending reports each one (advisory), so they stay visible in
 * every preview. Remove an entry once the program pins its digest.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

export const DIGEST_PENDING: readonly string[] = [
  // The Redis exporter sidecar (infra/redis/redis-spec.ts): public pins of this tag disagree.
  "oliver006/redis_exporter:v1.88.0",
];

export const DIGEST_PENDING_SCHEMA: PolicyConfigSchema = {
  properties: {
    digestPending: { type: "array", items: { type: "string" }, default: [...DIGEST_PENDING], description: "Exact image references accepted by tag until their digest is established (reported by image-digest-pending)." },
  },
};

export function digestPending(args: { getConfig<T extends object>(): T }): Set<string> {
  return new Set(args.getConfig<{ digestPending?: string[] }>().digestPending ?? DIGEST_PENDING);
}
