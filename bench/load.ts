/**
 * The load generator: autocannon against one URL on 127.0.0.1, for a fixed
 * time with a fixed number of keep-alive connections, reporting throughput,
 * p50/p99 latency and anything that was not a 2xx (a benchmark of failing
 * requests measures nothing, so those are counted and reported).
 */
import autocannon from "autocannon";

export interface LoadOptions {
  readonly connections: number;
  readonly durationS: number;
  readonly method?: "GET" | "POST";
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** A fixed request rate (requests per second over all connections); as fast as possible without. */
  readonly rate?: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Non-2xx answers plus transport errors and timeouts. */
  readonly failed: number;
}

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1") throw new Error(`the benchmark only talks to 127.0.0.1; refusing ${url}`);
}

export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  assertLoopback(url);
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.durationS,
    pipelining: 1,
    timeout: 10,
    ...(options.method ? { method: options.method } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body ? { body: options.body } : {}),
    ...(options.rate ? { overallRate: options.rate } : {}),
  });
  return {
    requestsPerSecond: result.requests.total / options.durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}
