/**
 * One HTTP exchange with the shop, bounded by a timeout, that never throws for
 * an answer: a transport failure is status 0 with the reason, so checks can
 * record it like any other wrong answer.
 */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export async function exchange(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Exchange> {
  const url = new URL(path, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { method, url, status: response.status, contentType: response.headers.get("content-type") ?? "", text, json };
  } catch (err) {
    return { method, url, status: 0, contentType: "", text: (err as Error).message, json: undefined };
  }
}

/** `GET /api/products -> 200` plus a short body excerpt when the answer is not the expected one. */
export function describe(x: Exchange, expected?: string): string {
  const excerpt = x.text.length > 160 ? `${x.text.slice(0, 160)}…` : x.text;
  const path = new URL(x.url).pathname + new URL(x.url).search;
  return expected === undefined ? `${x.method} ${path} -> ${x.status}` : `${x.method} ${path} -> ${x.status} (expected ${expected}; body: ${excerpt})`;
}

/** A user id no earlier run used, so checks never see each other's carts. */
export function freshUserId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
