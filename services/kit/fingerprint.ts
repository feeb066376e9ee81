/**
 * A request's fingerprint for idempotency: the same key with a different
 * body is a client bug to reject, not a retry to replay. Callers pass the
 * validated value, whose key order the schema fixes.
 */
import { createHash } from "node:crypto";

export function fingerprint(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("base64url");
}
