/**
 * The app factory every service uses: request id and trace context, access
 * log, request metrics, the request's deadline, JSON 404/405/413/500,
 * /healthz, /readyz, /metrics, then the service's own routes. No business logic, no listen(): tests call
 * `app.request()`, and services/kit/run.ts serves it.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { Registry } from "prom-client";
import { limitBody } from "./body-limit";
import { factory, type ServiceEnv } from "./context";
import { deadlines } from "./deadline";
import { AppError, toAppError } from "./errors";
import { healthRoutes, type Lifecycle, type ReadinessCheck } from "./health";
import type { Logger } from "./logger";
import { metricsHandler } from "./metrics";
import { observeRequests } from "./observe";
import { activeTracing } from "./tracing-hooks";

/** What the kit needs from the process around an app (the runner or a test builds it). */
export interface KitOptions {
  readonly service: string;
  readonly version: string;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly bodyLimitBytes: number;
  readonly lifecycle: Lifecycle;
  /**
   * Whether outbound calls need the request's trace headers (observe.ts keeps
   * them in an AsyncLocalStorage); the runner turns it off for services that
   * call nobody. Default true.
   */
  readonly propagateTrace?: boolean;
  /**
   * The longest a request may take (ms): the cap on a caller's
   * x-request-timeout-ms, and the budget when there is none (deadline.ts).
   * Absent: no deadline is kept.
   */
  readonly requestTimeoutMs?: number;
}

export interface AppSpec {
  /** Readiness of the service's own store (never of upstream services). */
  readonly readiness?: readonly ReadinessCheck[];
  /** Mounts the service's routes, e.g. `app.route("/products", products)`. */
  readonly routes: (app: Hono<ServiceEnv>) => void;
}

export type ServiceApp = Hono<ServiceEnv>;

/** Whether the node request broke off before its body was complete (served by node only). */
function requestCutShort(c: Context<ServiceEnv>): boolean {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  return incoming !== undefined && !incoming.complete && (incoming.destroyed || incoming.errored !== null);
}

function renderError(c: Context<ServiceEnv>, error: AppError): Response {
  return c.json(error.body(), error.status, error.headers ? { ...error.headers } : undefined);
}

export function createServiceApp(kit: KitOptions, spec: AppSpec): ServiceApp {
  const app = factory.createApp();
  app.use(observeRequests(kit));
  if (kit.requestTimeoutMs !== undefined) app.use(deadlines(kit.requestTimeoutMs, kit.propagateTrace !== false));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        renderError(
          c as Context<ServiceEnv>,
          new AppError(405, "method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; allowed: ${methods.join(", ")}`, undefined, {
            Allow: methods.join(", "),
          }),
        ),
    }),
  );
  app.use(limitBody(kit.bodyLimitBytes));
  app.route("/", healthRoutes(spec.readiness ?? [], kit.lifecycle));
  app.get("/metrics", metricsHandler(kit.registry));
  spec.routes(app);
  app.notFound((c) => renderError(c, new AppError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    if (requestCutShort(c)) {
      // the client's own request broke off (a malformed or abandoned body): its fault, not a bug of ours
      return renderError(c, new AppError(400, "request_aborted", "the request ended before its body was complete"));
    }
    const { error, unexpected } = toAppError(err);
    const logger = c.get("logger") ?? kit.logger;
    // the request's server span, when traced, records what failed it
    if (unexpected || error.status >= 500) activeTracing()?.fail(err);
    if (unexpected) logger.error("unhandled error", { err });
    else if (error.status >= 500) logger.warn("request failed", { code: error.code, reason: error.message });
    return renderError(c, error);
  });
  return app;
}
