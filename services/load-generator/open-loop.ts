/**
 * The open-loop scheduler: journeys start on a clock at the offered rate
 * whatever the shop answers, so a slow shop does not slow the offered load
 * (a closed loop would, and would hide the slowness it causes). At most
 * `concurrency` journeys are in flight and each shopper runs one journey at
 * a time; a journey that falls due beyond that is dropped and counted, never
 * queued (a queue would turn back into a closed loop).
 */
import { randomBytes } from "node:crypto";
import { Pool } from "undici";
import { JOURNEY_NAMES, JOURNEY_REQUESTS, journeySteps, listProducts, send, type JourneyName, type RequestContext } from "./journeys";
import type { LoadOptions } from "./load-options";
import { errorKey, LoadStats, type LoadSummary } from "./load-report";

/** Mean requests per journey under a mix: the offered request rate over this is the journey rate. */
export function meanRequests(mix: Readonly<Record<JourneyName, number>>): number {
  const total = JOURNEY_NAMES.reduce((n, j) => n + mix[j], 0);
  return JOURNEY_NAMES.reduce((n, j) => n + mix[j] * JOURNEY_REQUESTS[j], 0) / total;
}

/** Smooth weighted round robin: every journey in proportion to its weight, evenly spread, no randomness. */
export function journeyPicker(mix: Readonly<Record<JourneyName, number>>): () => JourneyName {
  const names = JOURNEY_NAMES.filter((j) => mix[j] > 0);
  const total = names.reduce((n, j) => n + mix[j], 0);
  const current = new Map(names.map((j) => [j, 0]));
  return () => {
    let best = names[0]!;
    for (const j of names) {
      current.set(j, current.get(j)! + mix[j]);
      if (current.get(j)! > current.get(best)!) best = j;
    }
    current.set(best, current.get(best)! - total);
    return best;
  };
}

export interface LoadHooks {
  /** Called every `progressEveryMs` with the running figures. */
  readonly onProgress?: (p: Progress) => void;
  readonly progressEveryMs?: number;
  /** Told while the shop cannot list its products yet (the generator keeps trying). */
  readonly onWaiting?: (reason: string) => void;
  /** How long to keep trying to list the products; default 10 s, or forever when the run has no end. */
  readonly discoverForMs?: number;
}

export interface Progress {
  readonly elapsedS: number;
  readonly requests: number;
  readonly errors: number;
  readonly dropped: number;
  readonly inFlight: number;
  readonly window: { requests: number; errors: number; p99Ms?: number };
  readonly windowS: number;
}

export interface LoadRun {
  /** The summary, once the duration is over (or stop() was called) and in-flight journeys ended. */
  readonly done: Promise<LoadSummary>;
  /** Stops starting journeys; done resolves when the ones in flight end. */
  stop(): void;
  /** Whether the scheduler ticked within the last few seconds (the liveness probe's question). */
  alive(): boolean;
}

const TICK_MS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function startLoad(options: LoadOptions, hooks: LoadHooks = {}): LoadRun {
  const pool = new Pool(options.target.origin, { connections: options.concurrency, keepAliveTimeout: 10_000 });
  const ctx: RequestContext = { dispatcher: pool, timeoutMs: options.timeoutMs, ...(options.host ? { host: options.host } : {}) };
  const stats = new LoadStats();
  let stopped = false;
  let lastTick = performance.now();
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    wake?.();
  };

  const done = (async (): Promise<LoadSummary> => {
    try {
      const products = await discover(ctx, options, hooks, () => stopped, () => (lastTick = performance.now()));
      const prefix = `lg-${randomBytes(3).toString("hex")}`;
      const free = Array.from({ length: options.users }, (_, i) => `${prefix}-${i + 1}`);
      const pick = journeyPicker(options.mix);
      const journeyRate = options.rate / meanRequests(options.mix);
      const inFlight = new Set<Promise<void>>();
      let started = 0;
      let productTurn = 0;

      const runJourney = async (journey: JourneyName, user: string): Promise<void> => {
        const product = products[productTurn++ % products.length]!;
        const begun = performance.now();
        let error: string | undefined;
        for (const step of journeySteps(journey, user, product)) {
          const outcome = await send(ctx, step);
          stats.recordRequest(outcome);
          error = errorKey(outcome);
          if (error !== undefined) break;
        }
        stats.recordJourney(journey, performance.now() - begun, error);
        free.push(user);
      };

      const begin = performance.now();
      let windowStart = begin;
      let nextProgress = begin + (hooks.progressEveryMs ?? 1_000);
      while (!stopped) {
        const now = performance.now();
        lastTick = now;
        const elapsedS = (now - begin) / 1000;
        if (options.durationS > 0 && elapsedS >= options.durationS) break;
        const due = Math.floor(elapsedS * journeyRate) - started;
        for (let i = 0; i < due; i++) {
          started++;
          const user = inFlight.size < options.concurrency ? free.shift() : undefined;
          if (user === undefined) {
            stats.dropped++;
            continue;
          }
          const p: Promise<void> = runJourney(pick(), user).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        if (hooks.onProgress && now >= nextProgress) {
          hooks.onProgress({ elapsedS, requests: stats.requests, errors: stats.errors, dropped: stats.dropped, inFlight: inFlight.size, window: stats.takeWindow(), windowS: (now - windowStart) / 1000 });
          windowStart = now;
          nextProgress = now + (hooks.progressEveryMs ?? 1_000);
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, TICK_MS);
        });
      }
      const seconds = (performance.now() - begin) / 1000;
      await Promise.all(inFlight);
      return stats.summary(options.target.origin, seconds, options.rate);
    } finally {
      await pool.close();
    }
  })();

  return { done, stop, alive: () => performance.now() - lastTick < 5_000 };
}

/** The shop's product ids; retried while the shop is not answering (a cluster's generator may start first). */
async function discover(ctx: RequestContext, options: LoadOptions, hooks: LoadHooks, stopped: () => boolean, tick: () => void): Promise<string[]> {
  const deadline = performance.now() + (hooks.discoverForMs ?? (options.durationS === 0 ? Number.POSITIVE_INFINITY : 10_000));
  for (;;) {
    tick();
    try {
      return await listProducts(ctx);
    } catch (err) {
      const reason = `${options.target.origin} cannot list the shop's products yet: ${(err as Error).message}`;
      if (stopped() || performance.now() >= deadline) throw new Error(reason);
      hooks.onWaiting?.(reason);
      await sleep(1_000);
    }
  }
}
