/**
 * Liveness and readiness. /healthz answers as long as the process serves
 * HTTP (no dependencies: a restart would not fix a dependency). /readyz asks
 * the service's own store, never an upstream service, so one failing service
 * does not take its callers out of rotation; it also turns 503 as soon as a
 * shutdown starts, so the endpoints drop the pod before it stops accepting.
 */
import { Hono } from "hono";
import type { ServiceEnv } from "./context";
import { AppError } from "./errors";

/** Resolves to null when ready, or to the reason it is not. */
export type ReadinessCheck = () => Promise<string | null>;

/** Mutable process state the app reads: set `draining` when shutdown begins. */
export interface Lifecycle {
  draining: boolean;
}

export function healthRoutes(checks: readonly ReadinessCheck[], lifecycle: Lifecycle): Hono<ServiceEnv> {
  const app = new Hono<ServiceEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (lifecycle.draining) throw new AppError(503, "not_ready", "shutting down");
    const reasons = (await Promise.all(checks.map((check) => check()))).filter((reason): reason is string => reason !== null);
    if (reasons.length) throw new AppError(503, "not_ready", reasons.join("; "));
    return c.json({ status: "ready" });
  });
  return app;
}
