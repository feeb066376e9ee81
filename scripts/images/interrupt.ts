/**
 * Cleanup that must run even when the run is interrupted: on SIGINT or
 * SIGTERM (Ctrl-C, CI cancelling, mocha's parent forwarding both) `cleanup`
 * runs synchronously, then the process exits with 128 + the signal number.
 */
import { constants } from "node:os";

export function onInterrupt(cleanup: () => void): () => void {
  let done = false;
  const handler = (signal: NodeJS.Signals) => {
    if (done) return; // the second of SIGINT+SIGTERM: already cleaning up
    done = true;
    process.stderr.write(`\n${signal}: cleaning up\n`);
    try {
      cleanup();
    } finally {
      process.exit(128 + (constants.signals[signal] ?? 2));
    }
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
