/**
 * Keeping credentials out of logs: the password of every URL or connection
 * string in a text becomes `***` (a user name alone stays: it names the
 * Redis ACL user, say, and is no secret), and fields named like credentials
 * are masked whole. The logger
 * applies both to every line; config errors apply the URL redactor to the
 * values they quote.
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

/** Field names whose values are credentials, whatever they hold. */
const SECRET_KEY = /(^|_|-)(password|passwd|secret|token|authorization|cookie|set-cookie|api[_-]?key)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
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
export function mayNeedRedaction(key: string, value: unknown): boolean {
  if (typeof value === "string") return value.includes("@") || isSecretKey(key);
  if (typeof value === "number" || typeof value === "boolean" || value === undefined || value === null) return false;
  return true;
}
