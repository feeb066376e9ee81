/**
 * What the access log costs per request: the ladder's last two rungs — the
 * users service as it runs ("kit": one JSON line per request) and the same
 * bundle at LOG_LEVEL=warn ("kit-quiet": no line) — measured in alternating
 * order, round after round, at a fixed rate, each charged the CPU time of
 * every thread of its process (the scheduler's nanoseconds, so a few µs
 * show). The logging layer is the difference within a round; the median and
 * the spread over rounds are what to quote on a machine shared with others.
 *
 *   npx tsx bench/ladder/logging-cost.ts            # 9 rounds of 5 s at 2000 req/s
 *   LOGGING_ROUNDS=15 LOGGING_SECONDS=8 LOGGING_RATE=3000 npx tsx bench/ladder/logging-cost.ts
 *
 * Used to decide the pino swap (docs/benchmarks.md, "The logger swap").
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle } from "../../test/support/test-dist";
import { buildFloor } from "../floor/start-floor";
import { load } from "../load";
import { cpuTimeNs } from "../processes";
import { median } from "../stats";
import { wholeNumberFromEnv } from "../whole-number";
import { startLadder, type StartedLadder } from "./ladder";

export interface LoggingRound {
  /** CPU µs per request without and with the access-log line, and the difference. */
  readonly quietUs: number;
  readonly loggingUs: number;
  readonly addedUs: number;
}

export interface LoggingCost {
  readonly rounds: readonly LoggingRound[];
  readonly medianAddedUs: number;
  readonly minAddedUs: number;
  readonly maxAddedUs: number;
  readonly medianQuietUs: number;
  readonly medianLoggingUs: number;
}

async function cpuPerRequest(url: string, pid: number, rate: number, seconds: number): Promise<number> {
  const before = cpuTimeNs(pid);
  const result = await load(url, { connections: 10, durationS: seconds, rate });
  if (result.failed) throw new Error(`${url}: ${result.failed} requests failed`);
  return (cpuTimeNs(pid) - before) / 1000 / result.requests;
}

export async function measureLoggingCost(ladder: StartedLadder, options: { rate: number; seconds: number; rounds: number }, progress: (line: string) => void = () => undefined): Promise<LoggingCost> {
  const rung = (id: string) => {
    const found = ladder.rungs.find((r) => r.spec.id === id);
    if (!found) throw new Error(`no ladder rung ${id}`);
    return found;
  };
  const quiet = rung("kit-quiet");
  const logging = rung("kit");
  for (const r of [quiet, logging]) await load(r.url, { connections: 10, durationS: 2, rate: options.rate });
  const rounds: LoggingRound[] = [];
  for (let i = 0; i < options.rounds; i++) {
    const measured: Record<string, number> = {};
    for (const r of i % 2 === 0 ? [quiet, logging] : [logging, quiet]) measured[r.spec.id] = await cpuPerRequest(r.url, r.pid, options.rate, options.seconds);
    const round = { quietUs: measured["kit-quiet"]!, loggingUs: measured.kit!, addedUs: measured.kit! - measured["kit-quiet"]! };
    rounds.push(round);
    progress(`round ${i + 1}/${options.rounds}: quiet ${round.quietUs.toFixed(2)} µs, logging ${round.loggingUs.toFixed(2)} µs, added ${round.addedUs.toFixed(2)} µs`);
  }
  const added = rounds.map((r) => r.addedUs);
  return {
    rounds,
    medianAddedUs: median(added),
    minAddedUs: Math.min(...added),
    maxAddedUs: Math.max(...added),
    medianQuietUs: median(rounds.map((r) => r.quietUs)),
    medianLoggingUs: median(rounds.map((r) => r.loggingUs)),
  };
}

async function main(): Promise<void> {
  const options = {
    rounds: wholeNumberFromEnv(process.env, "LOGGING_ROUNDS", 9),
    seconds: wholeNumberFromEnv(process.env, "LOGGING_SECONDS", 5),
    rate: wholeNumberFromEnv(process.env, "LOGGING_RATE", 2_000),
  };
  const floorDir = await mkdtemp(join(tmpdir(), "meshmart-logging-cost-"));
  let ladder: StartedLadder | undefined;
  try {
    const [shop] = await Promise.all([bundle(), buildFloor(floorDir)]);
    ladder = await startLadder({ shop, floor: floorDir });
    const cost = await measureLoggingCost(ladder, options, (line) => process.stdout.write(`logging-cost: ${line}\n`));
    process.stdout.write(
      `logging-cost: Node ${process.version}, ${options.rounds} rounds of ${options.seconds} s at ${options.rate} req/s: the access-log line adds ${cost.medianAddedUs.toFixed(2)} µs per request (median; ${cost.minAddedUs.toFixed(2)} to ${cost.maxAddedUs.toFixed(2)} over rounds), ${cost.medianQuietUs.toFixed(2)} → ${cost.medianLoggingUs.toFixed(2)} µs\n`,
    );
    process.stdout.write(`${JSON.stringify({ node: process.version, options, ...cost })}\n`);
  } finally {
    await ladder?.stop();
    await rm(floorDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`logging-cost: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
