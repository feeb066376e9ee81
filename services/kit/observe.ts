/**
 * The one middleware around every request, in this order: its id (the
 * caller's when safe, else a new one, echoed on the response), its logger
 * (lines carry the id), its trace context for outbound calls, then — when
 * the answer is ready, whatever it is — its metrics and its access-log line.
 *
 * One layer rather than one per concern: each async middleware layer costs
 * every request a few promises, and with the trace context's
 * AsyncLocalStorage each promise costs more (bench/RESULTS.md) — which is
 * also why a service that calls nobody (kit.propagateTrace false) never
 * enters one. The concerns themselves stay in their own files:
 * request-id.ts, trace.ts, metrics.ts, access-log.ts.
 *
 * With tracing on (tracing-hooks.ts), the request (but a probe or a scrape)
 * runs inside its server span, the access-log line carries the span's trace_id and span_id, and
 * the span ends with the route template and the status.
 */
import type { MiddlewareHandler } from "hono";
import type { Registry } from "prom-client";
import { accessLog, QUIET_PATHS } from "./access-log";
import type { ServiceEnv } from "./context";
import type { Logger } from "./logger";
import { requestMetrics } from "./metrics";
import { echoRequestId, requestIdOf } from "./request-id";
import { routeLabel, UNMATCHED_ROUTE } from "./route-label";
import { traceHeadersOfRequest, withTraceHeaders } from "./trace";
import { activeTracing } from "./tracing-hooks";

export function observeRequests(kit: { readonly logger: Logger; readonly registry: Registry; readonly propagateTrace?: boolean }): MiddlewareHandler<ServiceEnv> {
  const propagate = kit.propagateTrace !== false;
  const record = requestMetrics(kit.registry);
  const log = accessLog(kit.logger);
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    c.set("logger", kit.logger.child({ request_id: requestId }));
    echoRequestId(c, requestId);
    let status = 500;
    // probes and scrapes, every few seconds, would each be a trace of their own
    let tracing = activeTracing();
    if (tracing && QUIET_PATHS.has(c.req.path)) tracing = undefined;
    const incoming = propagate || tracing ? traceHeadersOfRequest(c) : undefined;
    const span = tracing?.request(c.req.method, c.req.path, c.req.url.startsWith("https:") ? "https" : "http", incoming!);
    try {
      const run = propagate ? () => withTraceHeaders({ ...incoming, "x-request-id": requestId }, next) : next;
      // an unsampled span of a service that calls nobody has nothing to hand on: no context to enter
      if (span && (propagate || span.recording)) await span.run(run);
      else await run();
      status = c.res.status;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(c);
      record(c.req.method, route, status, seconds);
      span?.end(route === UNMATCHED_ROUTE ? undefined : route, status);
      log({ requestId, method: c.req.method, path: c.req.path, route, status, seconds, traceparent: c.req.header("traceparent"), ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}) });
    }
  };
}
