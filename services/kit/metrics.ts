/**
 * Prometheus metrics: one Registry per app (tests make fresh ones, so nothing
 * is ever "already registered"), default process metrics, and the request
 * histogram and counter labelled by method, route template and status
 * (recorded by observe.ts, whose timer starts before `next()` and records in
 * `finally`, so requests that fail are counted too). `service` and `version`
 * are default labels.
 */
import type { Context } from "hono";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { DURATION_BUCKETS } from "./buckets";

export function createRegistry(labels: { service: string; version: string }, options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Unknown methods share one label, like unknown routes. */
export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : "OTHER";
}

/** Records one served request: the histogram and the counter (observe.ts calls it for every request). */
export type RecordRequest = (method: string, route: string, status: number, seconds: number) => void;

export function requestMetrics(registry: Registry): RecordRequest {
  const labelNames = ["method", "route", "status"] as const;
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Duration of HTTP requests served, by method, route template and status.",
    labelNames,
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests served, by method, route template and status.",
    labelNames,
    registers: [registry],
  });
  return (method, route, status, seconds) => {
    const labels = { method: methodLabel(method), route, status: String(status) };
    duration.observe(labels, seconds);
    requests.inc(labels);
  };
}

/** GET /metrics in the Prometheus text format. */
export function metricsHandler(registry: Registry) {
  return async (c: Context) => c.body(await registry.metrics(), 200, { "Content-Type": registry.contentType });
}
