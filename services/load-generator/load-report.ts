/**
 * What the load generator counts, and how it says so: a progress line
 * (requests, rate, errors, p99 over the last interval) and a summary per
 * journey (count, errors by status, p50/p99 of the whole journey).
 */
import { LatencyHistogram } from "./latency-histogram";
import { JOURNEY_NAMES, type JourneyName, type RequestOutcome } from "./journeys";

/** A request's error key: its status when not 2xx/3xx, "timeout" or "network"; undefined when it succeeded. */
export function errorKey(outcome: RequestOutcome): string | undefined {
  if (outcome.failure) return outcome.failure;
  return outcome.status !== undefined && outcome.status < 400 ? undefined : String(outcome.status);
}

export interface JourneySummary {
  readonly count: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

export interface LoadSummary {
  readonly target: string;
  readonly seconds: number;
  readonly offeredRate: number;
  readonly requests: number;
  readonly requestRate: number;
  readonly errors: number;
  /** Journeys due while `concurrency` were in flight (or no shopper was free): not sent. */
  readonly dropped: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly journeys: Readonly<Record<JourneyName, JourneySummary>>;
}

class JourneyStats {
  count = 0;
  readonly errors: Record<string, number> = {};
  readonly latency = new LatencyHistogram();
}

export class LoadStats {
  requests = 0;
  errors = 0;
  dropped = 0;
  private readonly requestLatency = new LatencyHistogram();
  private window = new LatencyHistogram();
  private windowRequests = 0;
  private windowErrors = 0;
  private readonly journeys = Object.fromEntries(JOURNEY_NAMES.map((j) => [j, new JourneyStats()])) as Record<JourneyName, JourneyStats>;

  recordRequest(outcome: RequestOutcome): void {
    this.requests++;
    this.windowRequests++;
    this.requestLatency.record(outcome.ms);
    this.window.record(outcome.ms);
    if (errorKey(outcome) !== undefined) {
      this.errors++;
      this.windowErrors++;
    }
  }

  /** A finished journey: its total time and the error that ended it, if any. */
  recordJourney(journey: JourneyName, ms: number, error: string | undefined): void {
    const stats = this.journeys[journey];
    stats.count++;
    stats.latency.record(ms);
    if (error !== undefined) stats.errors[error] = (stats.errors[error] ?? 0) + 1;
  }

  /** The interval since the last call: requests, errors, p99; then starts a new one. */
  takeWindow(): { requests: number; errors: number; p99Ms?: number } {
    const out = { requests: this.windowRequests, errors: this.windowErrors, p99Ms: this.window.quantile(0.99) };
    this.window = new LatencyHistogram();
    this.windowRequests = 0;
    this.windowErrors = 0;
    return out;
  }

  summary(target: string, seconds: number, offeredRate: number): LoadSummary {
    const journeys = Object.fromEntries(
      JOURNEY_NAMES.map((j) => {
        const s = this.journeys[j];
        return [j, { count: s.count, errors: { ...s.errors }, p50Ms: s.latency.quantile(0.5), p99Ms: s.latency.quantile(0.99) }];
      }),
    ) as Record<JourneyName, JourneySummary>;
    return {
      target,
      seconds,
      offeredRate,
      requests: this.requests,
      requestRate: seconds > 0 ? this.requests / seconds : 0,
      errors: this.errors,
      dropped: this.dropped,
      p50Ms: this.requestLatency.quantile(0.5),
      p99Ms: this.requestLatency.quantile(0.99),
      journeys,
    };
  }
}

const ms = (v: number | undefined) => (v === undefined ? "-" : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);

/** One progress line: totals so far, and the last interval's rate and p99. */
export function progressLine(p: { elapsedS: number; requests: number; errors: number; dropped: number; inFlight: number; window: { requests: number; errors: number; p99Ms?: number }; windowS: number }): string {
  const rate = p.windowS > 0 ? p.window.requests / p.windowS : 0;
  return `${p.elapsedS.toFixed(0).padStart(4)} s  requests ${p.requests}  rate ${rate.toFixed(1)}/s  errors ${p.errors}  p99 ${ms(p.window.p99Ms)}  in flight ${p.inFlight}  dropped ${p.dropped}`;
}

/** The summary as a table, one row per journey. */
export function formatSummary(s: LoadSummary): string {
  const errors = (e: Readonly<Record<string, number>>) =>
    Object.keys(e).length === 0 ? "none" : Object.entries(e).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}×${n}`).join(" ");
  const rows = JOURNEY_NAMES.map((j) => {
    const r = s.journeys[j];
    return `  ${j.padEnd(9)} ${String(r.count).padStart(7)}  ${ms(r.p50Ms).padStart(8)}  ${ms(r.p99Ms).padStart(8)}  ${errors(r.errors)}`;
  });
  return [
    `load: ${s.requests} requests in ${s.seconds.toFixed(1)} s against ${s.target} (${s.requestRate.toFixed(1)}/s achieved, ${s.offeredRate}/s offered), ${s.errors} errors, ${s.dropped} journeys dropped; requests p50 ${ms(s.p50Ms)}, p99 ${ms(s.p99Ms)}`,
    `  ${"journey".padEnd(9)} ${"count".padStart(7)}  ${"p50".padStart(8)}  ${"p99".padStart(8)}  errors by status`,
    ...rows,
  ].join("\n");
}
