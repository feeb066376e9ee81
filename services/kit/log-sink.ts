/**
 * Where log lines go by default: stdout, in batches. Every request logs a
 * line, and one write(2) per line was the largest single cost of a request
 * to users and catalog in the profiles (a pipe write wakes the reader each
 * time). So lines leave together: at the end of the current turn of the
 * event loop when nothing was written in the last 20 ms (a quiet service
 * logs at once), else 20 ms after the previous write (a busy one writes at
 * most 50 times a second), and at once when 16 KiB are waiting. Whatever
 * still waits when the process exits — process.exit() included, as after an
 * uncaught exception — is written synchronously on 'exit' (stdout is
 * synchronous for files, pipes and terminals on Linux). Only a SIGKILL can
 * lose lines: those of the last 20 ms at most.
 */

/** Write at once beyond this many characters waiting. */
const MAX_PENDING = 16 * 1024;
/** At most one write per this interval while lines keep coming. */
const MIN_INTERVAL_MS = 20;

export type LineSink = (line: string) => void;

/** A sink batching lines onto `write` (process.stdout by default). */
export function batchedSink(write: (chunk: string) => void = (chunk) => process.stdout.write(chunk)): LineSink & { flush(): void } {
  let pending = "";
  let scheduled = false;
  let lastWrite = Number.NEGATIVE_INFINITY;
  const flush = () => {
    scheduled = false;
    if (!pending) return;
    const chunk = pending;
    pending = "";
    lastWrite = performance.now();
    write(chunk);
  };
  process.on("exit", flush);
  const sink = (line: string) => {
    pending += `${line}\n`;
    if (pending.length >= MAX_PENDING) return flush();
    if (scheduled) return;
    scheduled = true;
    const wait = lastWrite + MIN_INTERVAL_MS - performance.now();
    if (wait <= 0) setImmediate(flush);
    else setTimeout(flush, wait).unref();
  };
  return Object.assign(sink, { flush });
}

let stdoutSink: LineSink | undefined;

/** The process's one batched stdout sink (every logger shares it, so lines keep their order). */
export function stdoutLines(): LineSink {
  stdoutSink ??= batchedSink();
  return stdoutSink;
}
