/**
 * Steady traffic from a number of clients, each sending one request after
 * another (closed loop) until told to stop, recording every outcome with
 * its time and duration — so a test can hold load while it breaks
 * something, then look at what every request got.
 */
import { Agent, request } from "node:http";

export interface Outcome {
  readonly client: number;
  readonly startedAt: number;
  readonly ms: number;
  /** HTTP status, or 0 for a transport error (refused, reset, timed out). */
  readonly status: number;
  readonly body: string;
  readonly error?: string;
  /** What the client sent, for checks on acknowledged writes. */
  readonly sent: { readonly method: string; readonly path: string; readonly headers?: Readonly<Record<string, string>>; readonly body?: string };
}

export interface RequestSpec {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  /** 0 for a transport error. */
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ms: number;
  readonly error?: string;
}

/** One request on a keep-alive agent; never rejects. */
export function send(spec: RequestSpec, timeoutMs = 10_000): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(spec.url, { method: spec.method ?? "GET", headers: spec.headers, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ms: performance.now() - started }));
      res.on("error", (err) => resolve({ status: 0, body, headers: res.headers, ms: performance.now() - started, error: err.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (err) => resolve({ status: 0, body: "", headers: {}, ms: performance.now() - started, error: err.message }));
    req.end(spec.body);
  });
}

export interface Traffic {
  readonly outcomes: readonly Outcome[];
  /** Stops the clients; resolves once every request they started has its outcome. */
  stop(): Promise<readonly Outcome[]>;
}

/** Starts `clients` closed-loop clients; `next(client, i)` says what each sends next. */
export function startTraffic(clients: number, next: (client: number, i: number) => RequestSpec): Traffic {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = 0; running; i++) {
      const spec = next(client, i);
      const startedAt = performance.now();
      const answer = await send(spec);
      const path = new URL(spec.url).pathname;
      outcomes.push({ client, startedAt, ms: answer.ms, status: answer.status, body: answer.body, ...(answer.error ? { error: answer.error } : {}), sent: { method: spec.method ?? "GET", path, ...(spec.headers ? { headers: spec.headers } : {}), ...(spec.body ? { body: spec.body } : {}) } });
    }
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}
