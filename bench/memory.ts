/**
 * Idle memory per service: after every service has served for a while,
 * the benchmark leaves them alone until the garbage collector has settled —
 * V8 shrinks a heap that stopped growing (its "memory reducer"), measured
 * here anywhere from 20 to 100 s after the traffic stops — and then reads each
 * process's resident set. The figure right after the traffic is kept too,
 * and when each process last changed by more than 1 MiB (its settling).
 */
import type { ServiceName } from "../services/topology";
import { load } from "./load";
import { memoryOf, type Memory } from "./processes";

export interface MemoryReport {
  readonly afterLoad: Readonly<Record<string, Memory>>;
  readonly idle: Readonly<Record<string, Memory>>;
  readonly idleS: number;
  /** Seconds after the traffic when each process's RSS last moved by more than 1 MiB (0: it never did). */
  readonly settledS: Readonly<Record<string, number>>;
}

export interface WarmupRequest {
  readonly url: string;
  readonly method?: "GET" | "POST";
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** What a service without a warm-up request of its own here is warmed with: its readiness, which every service answers. */
export const DEFAULT_WARMUP_PATH = "/readyz";

/**
 * Each service's own warm-up request, against `baseUrl` (one process of it:
 * payment v1 and v2 each get theirs). payment replays one idempotent charge:
 * the first request decides it, every later one is answered from its record.
 * A service added to the topology and not listed here is warmed with
 * DEFAULT_WARMUP_PATH, so the bench still measures it.
 */
export function warmupRequest(service: ServiceName, baseUrl: string): WarmupRequest {
  const paths: Partial<Record<Exclude<ServiceName, "payment">, string>> = {
    gateway: "/api/products",
    users: "/users/1",
    orders: "/orders/1",
    catalog: "/products",
    cart: "/cart/bench-user",
    notifications: "/notifications/bench-user",
  };
  if (service !== "payment") return { url: `${baseUrl}${paths[service] ?? DEFAULT_WARMUP_PATH}` };
  return {
    url: `${baseUrl}/payments`,
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": "bench-warmup" },
    body: JSON.stringify({ user_id: "bench-user", amount_cents: 100 }),
  };
}

/** A few seconds of traffic to each service, so each has run its code paths before it is measured idle. */
export async function warmEveryService(requests: readonly WarmupRequest[], seconds: number): Promise<void> {
  for (const request of requests) await load(request.url, { connections: 10, durationS: seconds, ...(request.method ? { method: request.method } : {}), ...(request.headers ? { headers: request.headers } : {}), ...(request.body ? { body: request.body } : {}) });
}

export async function idleMemory(pids: Readonly<Record<string, number>>, idleS: number): Promise<MemoryReport> {
  const sample = () => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, memoryOf(pid)]));
  const afterLoad = sample();
  const started = performance.now();
  const last = { ...afterLoad };
  const settledS = Object.fromEntries(Object.keys(pids).map((name) => [name, 0]));
  while (performance.now() - started < idleS * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const [name, memory] of Object.entries(sample())) {
      if (Math.abs(memory.rssMiB - last[name]!.rssMiB) > 1) settledS[name] = Math.round((performance.now() - started) / 1000);
      last[name] = memory;
    }
  }
  return { afterLoad, idle: sample(), idleS, settledS };
}
