/**
 * Best-effort work a request starts but does not wait for (e.g. telling
 * notifications about a payment). Each task is bounded by its own timeouts
 * (the HTTP client's), not by the request's deadline; failures are logged, never thrown at the request.
 * Shutdown waits for the pending ones, within its own bound.
 */
import { withoutDeadline } from "./deadline";
import type { Logger } from "./logger";

export class BackgroundTasks {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Starts `task` now; the caller does not wait for it. */
  run(name: string, task: () => Promise<unknown>): void {
    // the request does not wait for it, so its deadline does not bound it
    const promise: Promise<void> = withoutDeadline(task).then(
      () => undefined,
      (err: unknown) => {
        this.logger.warn("background task failed", { task: name, err: err instanceof Error ? err.message : String(err) });
      },
    );
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves when every task started so far has finished (true), or after `timeoutMs` (false). */
  async idle(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = Number.isFinite(timeoutMs)
      ? new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        })
      : new Promise<false>(() => undefined);
    try {
      while (this.pending.size) {
        const done = await Promise.race([Promise.all([...this.pending]).then(() => true as const), deadline]);
        if (!done) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
