/**
 * Waiting for a condition instead of sleeping: polls `probe` until it returns
 * something other than undefined/false, or fails after `timeoutMs` with the
 * last value seen (generous defaults: the machine is shared and has 2 cores).
 */
import { setTimeout as sleep } from "node:timers/promises";

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : String(last)})`);
    await sleep(intervalMs);
  }
}
