/**
 * The load generator's flags, validated: a bad one is an error naming the
 * flag and quoting the value, and nothing runs.
 *
 *   --target URL        the shop's edge (default http://127.0.0.1:5000, the local gateway)
 *   --host NAME         Host header to send (an Ingress that answers one host only)
 *   --rate N            requests offered per second, open loop (default 10)
 *   --duration S        seconds to run; 0: until SIGINT/SIGTERM (default 60)
 *   --users N           distinct simulated shoppers (default 20)
 *   --concurrency N     journeys in flight at most (default 20; a due journey beyond it is dropped and counted)
 *   --mix SPEC          journey weights, e.g. browse=3,view=5,add=2,remove=1,checkout=1
 *   --timeout-ms N      per-request timeout (default 10000)
 *   --health-port N     serve GET /healthz and /readyz on this port (in a cluster, for the kubelet);
 *                       default: $PORT when set (the image sets it), else none
 *   --progress-s N      seconds between progress lines (default 1 on a terminal, 10 otherwise)
 *   --json              print the summary as JSON
 */
import { parseArgs } from "node:util";
import { JOURNEY_NAMES, type JourneyName } from "./journeys";

export interface LoadOptions {
  readonly target: URL;
  readonly host?: string;
  readonly rate: number;
  /** Seconds; 0 runs until stopped. */
  readonly durationS: number;
  readonly users: number;
  readonly concurrency: number;
  readonly mix: Readonly<Record<JourneyName, number>>;
  readonly timeoutMs: number;
  readonly healthPort?: number;
  /** Seconds between progress lines; absent: the caller's default. */
  readonly progressS?: number;
  readonly json: boolean;
}

export const DEFAULT_MIX: Readonly<Record<JourneyName, number>> = { browse: 3, view: 5, add: 2, remove: 1, checkout: 1 };

export class LoadOptionsError extends Error {}

const HOST = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;

function bad(flag: string, expectation: string, value: string): never {
  throw new LoadOptionsError(`--${flag} must be ${expectation}; got ${JSON.stringify(value)}`);
}

function number(flag: string, value: string | undefined, fallback: number, min: number, max: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    bad(flag, `${integer ? "a whole number" : "a number"} between ${min} and ${max}`, value);
  }
  return n;
}

export function parseMix(spec: string): Record<JourneyName, number> {
  const mix = Object.fromEntries(JOURNEY_NAMES.map((j) => [j, 0])) as Record<JourneyName, number>;
  const expectation = `journey=weight pairs separated by commas, journeys among ${JOURNEY_NAMES.join(", ")}, weights whole numbers 0-1000, at least one above 0`;
  const seen = new Set<string>();
  for (const part of spec.split(",")) {
    const match = /^\s*([a-z]+)\s*=\s*(\d{1,4})\s*$/.exec(part);
    if (!match || !(JOURNEY_NAMES as readonly string[]).includes(match[1]!) || seen.has(match[1]!) || Number(match[2]) > 1000) bad("mix", expectation, spec);
    seen.add(match[1]!);
    mix[match[1] as JourneyName] = Number(match[2]);
  }
  if (Object.values(mix).every((w) => w === 0)) bad("mix", expectation, spec);
  return mix;
}

export function parseLoadOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): LoadOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: "string" },
        host: { type: "string" },
        rate: { type: "string" },
        duration: { type: "string" },
        users: { type: "string" },
        concurrency: { type: "string" },
        mix: { type: "string" },
        "timeout-ms": { type: "string" },
        "health-port": { type: "string" },
        "progress-s": { type: "string" },
        json: { type: "boolean" },
      },
    }));
  } catch (err) {
    throw new LoadOptionsError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const s = (k: string) => values[k] as string | undefined;
  const targetText = s("target") ?? "http://127.0.0.1:5000";
  let target: URL;
  try {
    target = new URL(targetText);
  } catch {
    bad("target", "an http(s) URL such as http://127.0.0.1:5000", targetText);
  }
  if ((target.protocol !== "http:" && target.protocol !== "https:") || target.username || target.password || target.search || target.hash || (target.pathname !== "/" && target.pathname !== "")) {
    bad("target", "an http(s) URL of the shop's root, without path, query or credentials", targetText);
  }
  const host = s("host");
  if (host !== undefined && !HOST.test(host)) bad("host", "a host name (optionally :port)", host);
  const users = number("users", s("users"), 20, 1, 100_000, true);
  return {
    target,
    ...(host !== undefined ? { host } : {}),
    rate: number("rate", s("rate"), 10, 0.1, 100_000, false),
    durationS: number("duration", s("duration"), 60, 0, 7 * 24 * 3600, false),
    users,
    concurrency: number("concurrency", s("concurrency"), 20, 1, 10_000, true),
    mix: s("mix") === undefined ? DEFAULT_MIX : parseMix(s("mix")!),
    timeoutMs: number("timeout-ms", s("timeout-ms"), 10_000, 1, 600_000, true),
    ...(s("health-port") !== undefined
      ? { healthPort: number("health-port", s("health-port"), 0, 1, 65_535, true) }
      : env.PORT !== undefined
        ? { healthPort: number("health-port", env.PORT, 0, 1, 65_535, true) }
        : {}),
    ...(s("progress-s") !== undefined ? { progressS: number("progress-s", s("progress-s"), 0, 0.1, 3600, false) } : {}),
    json: values.json === true,
  };
}
