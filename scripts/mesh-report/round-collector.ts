/**
 * One round's figures: every query of mesh-promql.ts as an instant query at
 * the round's end over its window (Prometheus's HTTP API,
 * GET /api/v1/query?query=…&time=…), turned into the numbers the state file
 * keeps. A query Prometheus refuses is an error naming it; a query with no
 * series is a null figure (nothing to measure there), never a zero.
 */
import { JOURNEYS } from "../../infra/observability/slo";
import { RESOURCE_GROUPS, roundQueries, type Namespaces } from "./mesh-promql";
import type { RoundResult } from "./run-state";

export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** An instant query at `time` (unix seconds); rejects with Prometheus's error. */
export async function instantQuery(prometheusUrl: string, expr: string, time: number): Promise<VectorSample[]> {
  const url = new URL("/api/v1/query", prometheusUrl);
  url.searchParams.set("query", expr);
  url.searchParams.set("time", String(time));
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = (await response.json()) as { status: string; data?: { resultType: string; result: VectorSample[] }; error?: string; errorType?: string };
  if (body.status !== "success" || !body.data) throw new Error(`Prometheus refused the query (${body.errorType ?? response.status}: ${body.error ?? "no error text"}): ${expr}`);
  if (body.data.resultType !== "vector") throw new Error(`expected a vector, got ${body.data.resultType}: ${expr}`);
  return body.data.result;
}

const finite = (s: VectorSample | undefined): number | null => {
  const n = s === undefined ? Number.NaN : Number(s.value[1]);
  return Number.isFinite(n) ? n : null;
};
const ms = (v: number | null) => (v === null ? null : v * 1000);

export interface RoundWindow {
  readonly end: number;
  readonly windowS: number;
  readonly offeredRps: number;
}

/** Runs every query of the round and folds the answers into a RoundResult. */
export async function collectRound(prometheusUrl: string, ns: Namespaces, window: RoundWindow): Promise<RoundResult> {
  const queries = roundQueries(ns, window.windowS);
  const answers = new Map<string, VectorSample[]>();
  for (const q of queries) answers.set(q.name, await instantQuery(prometheusUrl, q.expr, window.end));
  const one = (name: string) => finite(answers.get(name)?.[0]);

  const hops: RoundResult["hops"] = {};
  const hop = (name: string, field: "p50Ms" | "p99Ms" | "rps", scale: (v: number | null) => number | null) => {
    for (const s of answers.get(name) ?? []) {
      const key = `${s.metric.service ?? "?"} → ${s.metric.upstream ?? "?"}`;
      hops[key] ??= { p50Ms: null, p99Ms: null, rps: null };
      hops[key][field] = scale(finite(s));
    }
  };
  hop("hop:rps", "rps", (v) => v);
  hop("hop:p50", "p50Ms", ms);
  hop("hop:p99", "p99Ms", ms);

  return {
    end: window.end,
    windowS: window.windowS,
    offeredRps: window.offeredRps,
    achievedRps: one("achieved"),
    errorRatio: one("errors"),
    journeys: Object.fromEntries(
      JOURNEYS.map((j) => [
        j.name,
        { p50Ms: ms(one(`journey:${j.name}:p50`)), p99Ms: ms(one(`journey:${j.name}:p99`)), rps: one(`journey:${j.name}:rps`), errorRatio: one(`journey:${j.name}:errors`) },
      ]),
    ),
    hops,
    resources: Object.fromEntries(RESOURCE_GROUPS.map((g) => [g, { cpuCores: one(`cpu:${g}`), memoryBytes: one(`memory:${g}`) }])),
    queries: Object.fromEntries(queries.map((q) => [q.name, q.expr])),
  };
}
