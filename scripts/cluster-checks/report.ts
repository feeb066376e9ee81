/**
 * What every check returns: a name, and one line per thing it looked at, each
 * passed or failed. A check never throws for a wrong answer from the shop; it
 * records it, so one run shows every problem at once.
 */
import { describe, type Exchange } from "./http-exchange";

export interface Finding {
  readonly ok: boolean;
  readonly what: string;
}

export interface CheckReport {
  readonly check: string;
  readonly ok: boolean;
  readonly findings: readonly Finding[];
}

/** Collects findings while a check runs; `report()` gives the result. */
export class Findings {
  private readonly list: Finding[] = [];

  constructor(private readonly check: string) {}

  /** Records `what` as passed when `ok`, as failed otherwise; returns `ok`. */
  expect(ok: boolean, what: string): boolean {
    this.list.push({ ok, what });
    return ok;
  }

  /** Records an HTTP answer: `GET /x -> 200`, with what was expected and the body when not `ok`. */
  expectAnswer(ok: boolean, answer: Exchange, expected: string, note?: string): boolean {
    const line = ok ? describe(answer) : describe(answer, expected);
    return this.expect(ok, note ? `${line} (${note})` : line);
  }

  report(): CheckReport {
    return { check: this.check, ok: this.list.length > 0 && this.list.every((f) => f.ok), findings: [...this.list] };
  }
}

/** The report as text: a header, then `ok  …` / `FAIL …` per finding. */
export function formatReport(report: CheckReport): string {
  const lines = report.findings.map((f) => `  ${f.ok ? "ok  " : "FAIL"} ${f.what}`);
  const failed = report.findings.filter((f) => !f.ok).length;
  return [`${report.check}: ${report.ok ? "passed" : `FAILED (${failed} of ${report.findings.length})`}`, ...lines].join("\n");
}
