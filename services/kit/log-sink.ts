/**
 * Where log lines go by default: stdout, in batches, through pino's own
 * asynchronous destination (pino.destination, a sonic-boom). Every request
 * logs a line, and one write(2) per line was the largest single cost of a
 * request to users and catalog in the profiles (a pipe write wakes the
 * reader each time). So lines leave together: at once when MIN_LENGTH bytes
 * wait, else on sonic-boom's periodic flush, FLUSH_INTERVAL_MS after the
 * last (a quiet service's line waits that long at most). Whatever still
 * waits when the process exits — process.exit() included, as after an
 * uncaught exception — pino writes synchronously on 'exit'; shutdown.ts
 * flushes before it exits too. Only a SIGKILL can lose lines: those of the
 * last FLUSH_INTERVAL_MS at most.
 */
import pino from "pino";

/** Bytes waiting before a write is started at once (sonic-boom's minLength; below its 16 KiB maxWrite). */
export const MIN_LENGTH = 8 * 1024;
/** Whatever waits is written this often (sonic-boom's periodicFlush). */
export const FLUSH_INTERVAL_MS = 20;

export type LogDestination = ReturnType<typeof pino.destination>;

/** A batching asynchronous destination on `dest` (a file descriptor or a path; stdout by default). */
export function batchedDestination(dest: number | string = 1): LogDestination {
  return pino.destination({ dest, sync: false, minLength: MIN_LENGTH, periodicFlush: FLUSH_INTERVAL_MS });
}

let stdout: LogDestination | undefined;

/** The process's one batched stdout destination (every logger shares it, so lines keep their order). */
export function stdoutDestination(): LogDestination {
  stdout ??= batchedDestination(1);
  return stdout;
}
