/**
 * Structured logs: one JSON object per line on stdout, carrying the service
 * and version on every line so a log pipeline needs no parsing rules.
 * Credentials never reach a line: fields named like credentials are masked
 * and the password of every URL or connection string is redacted
 * (redact.ts), in the message, the fields, a child's fields and errors.
 */

import { stdoutLines } from "./log-sink";
import { mayNeedRedaction, redactUrls, redactValue } from "./redact";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Fields on every line, e.g. service and version. */
  readonly base?: LogFields;
  /** Where a finished line goes; stdout, batched (log-sink.ts), by default (tests capture it). */
  readonly write?: (line: string) => void;
}

/** Errors are not JSON-serialisable as they are; keep what helps a reader. */
function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as NodeJS.ErrnoException).code;
    return redactValue({ name: value.name, message: value.message, ...(code ? { code } : {}), stack: value.stack });
  }
  return value;
}

/** `fields` with errors serialised and credentials redacted; the same object when nothing needs it (the usual case). */
function safeFields(fields: LogFields): LogFields {
  let plain: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (!(value instanceof Error) && !mayNeedRedaction(key, value)) continue;
    plain ??= { ...fields };
    plain[key] = value instanceof Error ? serialise(value) : (redactValue({ [key]: value }) as Record<string, unknown>)[key];
  }
  return plain ?? fields;
}

/** Keys every line starts with. */
const RESERVED = new Set(["time", "level", "msg"]);

/** `{"a":1,"b":"x"}` → `,"a":1,"b":"x"` (nothing for no fields). */
function fragment(fields: LogFields): string {
  const json = JSON.stringify(safeFields(fields));
  return json === "{}" ? "" : `,${json.slice(1, -1)}`;
}

/**
 * Lines are `{"time","level",...base,"msg",...fields}`. The base (service,
 * version, a request's id) is rendered to JSON once per logger, when it
 * first writes — a request's logger that never writes costs one small
 * object. A field that repeats a base or reserved key is rendered the slow
 * way, so a line never carries a key twice.
 */
class JsonLogger implements Logger {
  private prefix: string | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly threshold: number,
    private readonly base: LogFields,
  ) {}

  debug(msg: string, fields?: LogFields): void {
    this.log(0, "debug", msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.log(1, "info", msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log(2, "warn", msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log(3, "error", msg, fields);
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.write, this.threshold, { ...this.base, ...safeFields(fields) });
  }

  private log(rank: number, level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (rank < this.threshold) return;
    if (fields && Object.keys(fields).some((key) => key in this.base || RESERVED.has(key))) {
      const entry: Record<string, unknown> = { time: new Date().toISOString(), level, ...this.base, msg: redactUrls(msg) };
      for (const [key, value] of Object.entries(safeFields(fields))) entry[key] = value;
      this.write(JSON.stringify(entry));
      return;
    }
    this.prefix ??= fragment(this.base);
    this.write(`{"time":"${new Date().toISOString()}","level":"${level}"${this.prefix},"msg":${JSON.stringify(redactUrls(msg))}${fields ? fragment(fields) : ""}}`);
  }
}

export function createLogger(options: LoggerOptions): Logger {
  return new JsonLogger(options.write ?? stdoutLines(), LOG_LEVELS.indexOf(options.level), options.base ?? {});
}
