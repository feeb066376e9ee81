/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time grouped by
 * where the code comes from — a package (hono, zod, prom-client, redis…),
 * one of our modules (services/kit/logger.ts…), Node's own internals, or
 * the garbage collector — and the hottest functions. Bundled code is
 * mapped back to its original file through the bundle's source map.
 */
import { fileURLToPath } from "node:url";
import { loadLineSources, type LineSources } from "./source-map";

export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
    readonly hitCount?: number;
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  /** Share of the profile's samples, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Share of samples spent idle (waiting for I/O). */
  readonly idle: number;
  readonly byOrigin: readonly Share[];
  /**
   * The same with time spent in Node's internals and native code charged to
   * the package or module that called into them (a log line's write() is
   * the logger's cost, fetch()'s internals the HTTP client's).
   */
  readonly byCaller: readonly Share[];
  readonly byFunction: readonly Share[];
}

/** "node_modules/@hono/node-server/dist/index.mjs" → "@hono/node-server"; our files keep their path. */
export function originOf(source: string): string {
  const modules = source.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const [scope, name] = source.slice(modules + "node_modules/".length).split("/");
    return scope?.startsWith("@") ? `${scope}/${name}` : (scope ?? source);
  }
  return source.replace(/^(\.\.\/)+/, "");
}

const INTERNALS = "node internals";
const NATIVE = "(node native)";

const SPECIAL: ReadonlyMap<string, string> = new Map([
  ["(garbage collector)", "(gc)"],
  ["(program)", "(node native)"],
  ["(idle)", "(idle)"],
  ["(root)", "(root)"],
]);

export function summarise(profile: CpuProfile, options: { top?: number; sources?: (url: string) => LineSources | undefined } = {}): ProfileSummary {
  const sources = options.sources ?? cachedSources();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const where = new Map<number, { origin: string; name: string }>();
  const locate = (id: number): { origin: string; name: string } => {
    let found = where.get(id);
    if (found) return found;
    const frame = byId.get(id)!.callFrame;
    let origin = SPECIAL.get(frame.functionName);
    let file = frame.url;
    if (!origin) {
      if (!frame.url) origin = NATIVE;
      else if (frame.url.startsWith("node:")) origin = INTERNALS;
      else {
        file = sources(frame.url)?.sourceAt(frame.lineNumber, frame.columnNumber) ?? frame.url.split("/").pop() ?? frame.url;
        origin = originOf(file);
      }
    }
    found = { origin, name: `${frame.functionName || "(anonymous)"} ${originOf(file)}`.trim() };
    where.set(id, found);
    return found;
  };
  /** The nearest frame up the stack that is neither Node's internals nor native code. */
  const caller = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { origin } = locate(at);
      if (origin !== INTERNALS && origin !== NATIVE) return origin === "(root)" ? locate(id).origin : origin;
    }
    return locate(id).origin;
  };
  const ms = new Map<number, number>();
  profile.samples.forEach((id, i) => ms.set(id, (ms.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const origins = new Map<string, number>();
  const callers = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, time: number) => map.set(key, (map.get(key) ?? 0) + time);
  let total = 0;
  let idle = 0;
  for (const [id, time] of ms) {
    if (!byId.has(id)) continue;
    const { origin, name } = locate(id);
    total += time;
    if (origin === "(idle)") {
      idle += time;
      continue;
    }
    add(origins, origin, time);
    add(callers, caller(id), time);
    add(functions, name, time);
  }
  const busy = total - idle;
  const rank = (map: Map<string, number>): Share[] =>
    [...map]
      .map(([name, time]) => ({ name, ms: time, share: busy > 0 ? time / busy : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, options.top ?? 25);
  return { totalMs: total, idle: total > 0 ? idle / total : 0, byOrigin: rank(origins), byCaller: rank(callers), byFunction: rank(functions) };
}

function cachedSources(): (url: string) => LineSources | undefined {
  const cache = new Map<string, LineSources | undefined>();
  return (url) => {
    if (!cache.has(url)) cache.set(url, url.startsWith("file:") ? loadLineSources(fileURLToPath(url)) : undefined);
    return cache.get(url);
  };
}

/** A summary as text, shares of the busy (non-idle) time. */
export function formatSummary(title: string, summary: ProfileSummary): string {
  const row = (share: Share) => `  ${(share.share * 100).toFixed(1).padStart(5)}%  ${share.ms.toFixed(0).padStart(6)} ms  ${share.name}`;
  return [
    `${title}: ${summary.totalMs.toFixed(0)} ms sampled, ${(summary.idle * 100).toFixed(0)}% idle; busy time by origin:`,
    ...summary.byOrigin.map(row),
    "  busy time charged to the calling package or module:",
    ...summary.byCaller.map(row),
    "  hottest functions (self time):",
    ...summary.byFunction.map(row),
  ].join("\n");
}
