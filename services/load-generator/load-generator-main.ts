/**
 * The load generator (`npm run load -- --help`; in a cluster, the
 * load-generator Deployment): shoppers' journeys against the shop's edge at
 * an offered rate, a progress line while it runs (one updating line on a
 * terminal, a plain line every 10 s otherwise) and a summary per journey at
 * the end. Exit codes: 0 done, 1 the shop could not be reached, 2 bad flags.
 */
import { formatSummary, progressLine } from "./load-report";
import { LoadOptionsError, parseLoadOptions } from "./load-options";
import { startHealthServer } from "./health-server";
import { startLoad } from "./open-loop";

const USAGE = `usage: npm run load -- [--target URL] [--rate N] [--duration S] [--users N] [--concurrency N]
                        [--mix browse=3,view=5,add=2,remove=1,checkout=1] [--host NAME] [--timeout-ms N]
                        [--health-port N] [--progress-s N] [--json]`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options;
  try {
    options = parseLoadOptions(argv, process.env);
  } catch (err) {
    if (!(err instanceof LoadOptionsError)) throw err;
    process.stderr.write(`load: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const tty = process.stderr.isTTY === true;
  const run = startLoad(options, {
    progressEveryMs: (options.progressS ?? (tty ? 1 : 10)) * 1000,
    onProgress: (p) => process.stderr.write(tty ? `\r\x1b[2K${progressLine(p)}` : `${progressLine(p)}\n`),
    onWaiting: (reason) => process.stderr.write(`${tty ? "\r\x1b[2K" : ""}load: ${reason}; retrying\n`),
  });
  const health = options.healthPort === undefined ? undefined : await startHealthServer(options.healthPort, run.alive);
  const stop = () => run.stop();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.stderr.write(
    `load: ${options.rate} requests/s at ${options.target.origin}${options.host ? ` (Host ${options.host})` : ""}, ${options.users} shoppers, at most ${options.concurrency} journeys in flight, ${options.durationS > 0 ? `${options.durationS} s` : "until stopped"}\n`,
  );
  try {
    const summary = await run.done;
    if (tty) process.stderr.write("\r\x1b[2K");
    process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    return 0;
  } catch (err) {
    if (tty) process.stderr.write("\r\x1b[2K");
    process.stderr.write(`load: ${(err as Error).message}\n`);
    return 1;
  } finally {
    health?.close();
  }
}

void main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`load: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
