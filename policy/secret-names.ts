/**
 * Heuristics for secret material: names (an environment variable, a
 * ConfigMap key) that say password, passwd, passphrase, secret, token,
 * credential(s) or apikey anywhere, or that end in key or auth (API_KEY,
 * privateKey, REDISCLI_AUTH); and values that are secret whatever their name
 * (a PEM private key, a URL with a password in it).
 */

const SECRET_WORDS = new Set(["password", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "credential", "credentials", "apikey"]);
const SECRET_LAST_WORDS = new Set(["key", "auth"]);

/** `REDIS_PASSWORD` → [redis, password]; `apiKey` → [api, key]; `tls.key` → [tls, key]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}

export function looksSecretName(name: string): boolean {
  const words = nameWords(name);
  return words.some((w) => SECRET_WORDS.has(w)) || SECRET_LAST_WORDS.has(words[words.length - 1] ?? "");
}

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** scheme://user:password@host: a password in a URL's userinfo. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:[^\s/@]+@/i;

/** Why a value is secret material whatever its name, or undefined. */
export function secretValueReason(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  if (PRIVATE_KEY.test(value)) return "it holds a PEM private key";
  if (URL_PASSWORD.test(value)) return "it holds a URL with a password in it";
  return undefined;
}
