/**
 * Graceful shutdown on SIGTERM/SIGINT: readiness turns 503 at once, the
 * server stops accepting and drains in-flight requests (bounded by
 * SHUTDOWN_TIMEOUT_MS), background workers stop, best-effort tasks settle,
 * Redis closes last (in-flight requests still need it), then the process
 * exits: 0 when everything finished in time, 1 when requests had to be cut.
 * A second signal during shutdown is ignored; the bound already applies.
 */
import type { BackgroundTasks } from "./background";
import type { Lifecycle } from "./health";
import type { Logger } from "./logger";
import type { RunningServer } from "./server";

export interface ShutdownParts {
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly timeoutMs: number;
  readonly server: RunningServer;
  readonly background: BackgroundTasks;
  /** Stops workers that are not HTTP requests (e.g. a stream consumer). */
  readonly stopWorkers?: () => Promise<void>;
  /** Closes stores last. */
  readonly closeStores?: () => Promise<void>;
}

/** Runs the shutdown sequence; resolves to the exit code. */
export async function shutdown(parts: ShutdownParts, reason: string): Promise<number> {
  const started = Date.now();
  const remaining = () => Math.max(parts.timeoutMs - (Date.now() - started), 0);
  parts.lifecycle.draining = true;
  parts.logger.info("shutting down", { reason, timeout_ms: parts.timeoutMs });
  const [drained] = await Promise.all([
    parts.server.close(parts.timeoutMs),
    (parts.stopWorkers?.() ?? Promise.resolve()).catch((err: unknown) => parts.logger.warn("stopping workers failed", { err })),
  ]);
  const settled = await parts.background.idle(remaining());
  await (parts.closeStores?.() ?? Promise.resolve()).catch((err: unknown) => parts.logger.warn("closing stores failed", { err }));
  const clean = drained && settled;
  parts.logger.info("stopped", { drained, background_settled: settled, duration_ms: Date.now() - started });
  return clean ? 0 : 1;
}

/** Calls `onSignal` once on the first SIGTERM or SIGINT, then exits with its code. */
export function exitOnSignals(onSignal: (signal: NodeJS.Signals) => Promise<number>, logger: Logger): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info("already shutting down", { signal });
      return;
    }
    stopping = true;
    onSignal(signal).then(
      (code) => process.exit(code),
      (err: unknown) => {
        logger.error("shutdown failed", { err });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
