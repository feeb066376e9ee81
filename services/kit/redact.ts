/**
 * What a log line may carry (logger.ts applies it to every line):
 *
 * - Fields named like credentials are masked whole, by pino's own redaction
 *   (`redact` paths with a censor): CREDENTIAL_FIELDS lists the names, at the
 *   top level of a line and of a child logger's fields.
 * - The password of every URL or connection string is `***`, wherever it is
 *   (the message, a field, a nested object, an error): pino has no
 *   value-based redaction, so redactUrls does it, only for strings holding
 *   "@" and "://". A user name alone stays: it names the Redis ACL user,
 *   say, and is no secret. Config errors apply it to the values they quote.
 * - Client-supplied values are bounded (BOUNDED_FIELDS): a request line may
 *   be kilobytes long, a log line is not. Also through pino's censor.
 *
 *   redis://user:pw@host:6379  → redis://user:***@host:6379
 *   redis://:pw@host           → redis://:***@host
 *   redis://cart@host          → redis://cart@host
 */

/** scheme://userinfo@ — the userinfo has no "/", "@" or whitespace. */
const CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(:[^\s/@]*)?@/gi;

export const MASK = "***";

/** `text` with the credentials of every URL in it masked. */
export function redactUrls(text: string): string {
  if (!text.includes("@") || !text.includes("://")) return text;
  return text.replace(CREDENTIALS, (match, scheme: string, user: string, password: string | undefined) => (password === undefined ? match : `${scheme}${user}:${MASK}@`));
}

/** Field names whose values are credentials, whatever they hold; masked by pino's redaction at the top level of a line. */
export const CREDENTIAL_FIELDS = [
  "password",
  "passwd",
  "secret",
  "token",
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "api_key",
  "api-key",
  "apikey",
  "x-api-key",
  "redis_password",
  "client_secret",
  "access_token",
  "refresh_token",
  "id_token",
] as const;

/** Inside nested values (rare: errors, objects), any name ending like a credential is masked by redactValue. */
const SECRET_KEY = /(^|_|-)(password|passwd|secret|token|authorization|cookie|set-cookie|api[_-]?key)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Longest client-supplied value written to a line. */
export const MAX_LOGGED_VALUE = 256;

/** Fields that carry what a client sent, cut at MAX_LOGGED_VALUE: the request path of the access log. */
export const BOUNDED_FIELDS = ["path"] as const;

/** What a cut value ends with. */
const CUT = /…\(\d+ chars\)$/;

/**
 * `value` cut at MAX_LOGGED_VALUE characters, saying how long it was. A
 * value already cut this way stays as it is (cutting is idempotent), so a
 * caller that bounds its own field first keeps its count.
 */
export function bounded(value: unknown): unknown {
  if (typeof value !== "string" || value.length <= MAX_LOGGED_VALUE) return value;
  const cut = CUT.exec(value);
  if (cut && cut.index === MAX_LOGGED_VALUE) return value;
  return `${value.slice(0, MAX_LOGGED_VALUE)}…(${value.length} chars)`;
}

const CREDENTIAL_SET: ReadonlySet<string> = new Set(CREDENTIAL_FIELDS);

/**
 * pino's censor for CREDENTIAL_FIELDS and BOUNDED_FIELDS: called with a
 * redacted path's value and the path. A credential that is not set stays
 * unset (null is no secret).
 */
export function censor(value: unknown, path: readonly string[]): unknown {
  const key = path[path.length - 1]!;
  if (CREDENTIAL_SET.has(key)) return value === null || value === undefined ? value : MASK;
  return bounded(redactValue(value));
}

/** A copy of `value` with secret fields masked and URL credentials redacted, `depth` levels deep. */
export function redactValue(value: unknown, depth = 3): unknown {
  if (typeof value === "string") return redactUrls(value);
  if (value === null || typeof value !== "object" || depth === 0) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth - 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSecretKey(key) && item !== undefined && item !== null ? MASK : redactValue(item, depth - 1);
  return out;
}

/** Whether redactValue could change `value` (cheap: most log fields are short plain strings and numbers). */
export function mayNeedRedaction(value: unknown): boolean {
  if (typeof value === "string") return value.includes("@");
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null) return false;
  return true;
}
