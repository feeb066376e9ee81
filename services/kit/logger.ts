/**
 * Structured logs: pino, one JSON object per line on stdout (batched,
 * log-sink.ts), carrying the service and version on every line so a log
 * pipeline needs no parsing rules:
 *
 *   {"level":"info","time":"2026-…Z","service","version",...child fields,...fields,"msg"}
 *
 * (pino's order: level and time, then the bindings, the fields, the message
 * last). Credentials never reach a line (redact.ts): fields named like
 * credentials are masked by pino's redaction, and the password of every URL
 * or connection string is redacted in the message, the fields, a child's
 * fields and errors; client-supplied fields are bounded.
 *
 * The services see the kit's own small interface (message first, fields
 * second), so pino stays one module's business.
 */
import pino, { type DestinationStream, type Logger as Pino } from "pino";
import { stdoutDestination } from "./log-sink";
import { BOUNDED_FIELDS, censor, CREDENTIAL_FIELDS, mayNeedRedaction, redactUrls, redactValue } from "./redact";

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
  /** Writes whatever lines still wait (shutdown calls it before the process exits); settles within a second whatever stdout does. */
  flush(): Promise<void>;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Fields on every line, e.g. service and version. */
  readonly base?: LogFields;
  /** Where a finished line (without its newline) goes; stdout, batched (log-sink.ts), by default (tests capture it). */
  readonly write?: (line: string) => void;
}

/** Errors are not JSON-serialisable as they are; keep what helps a reader. */
function serialise(value: Error): unknown {
  const code = (value as NodeJS.ErrnoException).code;
  return redactValue({ name: value.name, message: value.message, ...(code ? { code } : {}), stack: value.stack });
}

/** `fields` with errors serialised and URL credentials redacted; the same object when nothing needs it (the usual case). */
function safeFields(fields: LogFields): Record<string, unknown> {
  let plain: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (!mayNeedRedaction(value)) continue;
    plain ??= { ...fields };
    plain[key] = value instanceof Error ? serialise(value) : redactValue(value);
  }
  return (plain ?? fields) as Record<string, unknown>;
}

/** flush() gives up after this long (a stdout nobody reads must not hold a shutdown; pino still writes synchronously on exit). */
const FLUSH_BOUND_MS = 1_000;

/** Keys pino writes itself on every line. */
const RESERVED = new Set(["time", "level", "msg"]);

/**
 * The kit's interface over one pino logger. A child's pino logger (which
 * renders its fields to JSON once) is made when the child first writes: a
 * request's logger that never writes costs one small object. A field that
 * repeats a bound or reserved key takes the slow way, so a line never
 * carries a key twice: it replaces a bound field, and `msg` the message;
 * `time` and `level` stay pino's, the field's value going under `fields.time`
 * or `fields.level`.
 */
class PinoLogger implements Logger {
  private bound: Pino | undefined;

  constructor(
    private readonly root: Pino,
    /** Every field bound so far, base included (for the slow way). */
    private readonly bindings: LogFields,
    private readonly parent: Pino,
    /** This child's own fields, not yet bound in `parent`. */
    private readonly own: LogFields | undefined,
  ) {}

  private get pino(): Pino {
    this.bound ??= this.own ? this.parent.child(this.own) : this.parent;
    return this.bound;
  }

  debug(msg: string, fields?: LogFields): void {
    if (this.root.isLevelEnabled("debug")) this.log("debug", msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    if (this.root.isLevelEnabled("info")) this.log("info", msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log("warn", msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log("error", msg, fields);
  }

  child(fields: LogFields): Logger {
    const safe = safeFields(fields);
    return new PinoLogger(this.root, { ...this.bindings, ...safe }, this.pino, safe);
  }

  flush(): Promise<void> {
    return new Promise((resolve) => {
      const bound = setTimeout(resolve, FLUSH_BOUND_MS);
      bound.unref();
      this.root.flush(() => {
        clearTimeout(bound);
        resolve();
      });
    });
  }

  private log(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    const text = redactUrls(msg);
    if (!fields) return this.pino[level](text);
    for (const key in fields) {
      if (key in this.bindings || RESERVED.has(key)) return this.logMerged(level, text, fields);
    }
    this.pino[level](fields, text);
  }

  private logMerged(level: LogLevel, msg: string, fields: LogFields): void {
    const merged: Record<string, unknown> = { ...this.bindings };
    let text = msg;
    for (const [key, value] of Object.entries(fields)) {
      if (key === "msg") text = typeof value === "string" ? redactUrls(value) : JSON.stringify(value);
      else if (key === "time" || key === "level") merged[`fields.${key}`] = value;
      else merged[key] = value;
    }
    this.root[level](merged, text);
  }
}

/** pino writes to a destination stream; tests hand createLogger a function taking a line. */
function lineStream(write: (line: string) => void): DestinationStream {
  return { write: (chunk: string) => write(chunk.endsWith("\n") ? chunk.slice(0, -1) : chunk) };
}

export function createLogger(options: LoggerOptions): Logger {
  const root = pino(
    {
      level: options.level,
      base: null,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: safeFields },
      redact: { paths: [...CREDENTIAL_FIELDS.map((key) => (/^[a-z_]+$/.test(key) ? key : `["${key}"]`)), ...BOUNDED_FIELDS], censor },
    },
    options.write ? lineStream(options.write) : stdoutDestination(),
  );
  const base = safeFields(options.base ?? {});
  return new PinoLogger(root, base, root, Object.keys(base).length ? base : undefined);
}
