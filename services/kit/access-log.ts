/**
 * One JSON log line per request, with the request id, the matched route
 * template and the duration:
 *
 *   {"time","level","service","version","msg":"request","request_id","method","path","route","status","duration_ms","traceparent"?,"trace_id"?,"span_id"?}
 *
 * trace_id and span_id are the request's server span when tracing is on
 * (observe.ts), so a line leads to its trace and a trace to its lines.
 *
 * Probe and scrape traffic (/healthz, /readyz, /metrics, every few seconds
 * from the kubelet and Prometheus) logs at debug so it does not drown the
 * requests that matter; 5xx answers log at error. observe.ts calls it for
 * every request.
 *
 * A line's size is bounded whatever the client sent: the traceparent only
 * when it is valid (55 characters), the path cut at MAX_LOGGED_PATH.
 */
import type { Logger } from "./logger";
import { validTraceHeader } from "./trace";

/** Longest path written to a line (a request line may be kilobytes long). */
export const MAX_LOGGED_PATH = 256;

function boundedPath(path: string): string {
  return path.length <= MAX_LOGGED_PATH ? path : `${path.slice(0, MAX_LOGGED_PATH)}…(${path.length} chars)`;
}

/** Probe and scrape paths: logged at debug, and never traced (observe.ts). */
export const QUIET_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz", "/metrics"]);

export interface RequestRecord {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
  readonly traceparent: string | undefined;
  /** The request's server span, when tracing is on. */
  readonly traceId?: string;
  readonly spanId?: string;
}

export type LogRequest = (request: RequestRecord) => void;

export function accessLog(logger: Logger): LogRequest {
  return (request) => {
    const fields = {
      request_id: request.requestId,
      method: request.method,
      path: boundedPath(request.path),
      route: request.route,
      status: request.status,
      duration_ms: Math.round(request.seconds * 100_000) / 100,
      ...(request.traceparent && validTraceHeader("traceparent", request.traceparent) ? { traceparent: request.traceparent } : {}),
      ...(request.traceId ? { trace_id: request.traceId, span_id: request.spanId } : {}),
    };
    if (QUIET_PATHS.has(request.path) && request.status < 400) logger.debug("request", fields);
    else if (request.status >= 500) logger.error("request", fields);
    else logger.info("request", fields);
  };
}
