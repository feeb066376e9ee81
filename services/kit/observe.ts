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
 */
import type { MiddlewareHandler } from "hono";
import type { Registry } from "prom-client";
import { accessLog } from "./access-log";
import type { ServiceEnv } from "./context";
import type { Logger } from "./logger";
import { requestMetrics } from "./metrics";
import { echoRequestId, requestIdOf } from "./request-id";
import { routeLabel } from "./route-label";
import { traceHeadersOfRequest, withTraceHeaders } from "./trace";

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
    try {
      if (propagate) await withTraceHeaders({ ...traceHeadersOfRequest(c), "x-request-id": requestId }, next);
      else await next();
      status = c.res.status;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(c);
      record(c.req.method, route, status, seconds);
      log({ requestId, method: c.req.method, path: c.req.path, route, status, seconds, traceparent: c.req.header("traceparent") });
    }
  };
}
