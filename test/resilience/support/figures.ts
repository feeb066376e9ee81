/**
 * The resilience suite's figures: each test records what traffic it held,
 * which fault it survived and what came back, and — when
 * RESILIENCE_FIGURES names a file — the suite writes them there as JSON
 * when it ends, for `npm run bench` to fold into bench/RESULTS.md. The
 * tests assert; the figures only report what the assertions saw.
 */
import { writeFileSync } from "node:fs";

export interface ScenarioFigures {
  /** The fault survived, e.g. "Redis stopped mid-traffic". */
  readonly scenario: string;
  /** The traffic held while it happened, e.g. "8 clients, 4.1 s". */
  readonly traffic: string;
  readonly requests: number;
  /** Answers by status ("200", "503"…) or transport outcome ("error"). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Acknowledged writes or requests that were lost: 0 when the scenario passed. */
  readonly lost: number;
  /** One line on what was checked. */
  readonly checked: string;
}

export interface HostileFigures {
  readonly inputs: number;
  readonly routes: number;
  readonly requests: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly stateChanged: boolean;
  readonly crashed: number;
}

export interface ResilienceFigures {
  readonly finished: string;
  readonly scenarios: readonly ScenarioFigures[];
  readonly hostile?: HostileFigures;
}

const scenarios: ScenarioFigures[] = [];
let hostile: HostileFigures | undefined;

export function recordScenario(figures: ScenarioFigures): void {
  scenarios.push(figures);
}

export function recordHostile(figures: HostileFigures): void {
  hostile = figures;
}

/** Counts outcomes into a record ("200": 12, "503": 3, "error": 1). */
export function tally(outcomes: readonly (number | string)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[String(outcome)] = (counts[String(outcome)] ?? 0) + 1;
  return counts;
}

/** Writes the figures if RESILIENCE_FIGURES asks for them (called from the suite's root after hook). */
export function writeFigures(): void {
  const file = process.env.RESILIENCE_FIGURES;
  if (!file) return;
  const figures: ResilienceFigures = { finished: new Date().toISOString(), scenarios, ...(hostile ? { hostile } : {}) };
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}
