/**
 * The chains in Express 5, as a team would build them with pino-http: one
 * process per role (PEER_ROLE=users|orders|gateway), each with a pino JSON
 * access line per request (pino-http, request id from a safe x-request-id
 * or a fresh one, echoed), prom-client RED metrics by route template on
 * /metrics, zod validation, the trace headers and request id passed on,
 * upstream timeouts, and JSON errors (400/404/502/503/504, 500 hidden).
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { pinoHttp } from "pino-http";
import { env, errorBody, findUser, forwardedHeaders, HttpError, ordersChain, RedMetrics, relay, requestIdOf } from "./peer-chain";

const role = process.env.PEER_ROLE ?? "users";
const metrics = new RedMetrics(role);
const app = express();
app.disable("x-powered-by");
app.disable("etag");

const http = pinoHttp({
  genReqId: (req, res) => {
    const id = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("x-request-id", id);
    return id;
  },
  customProps: (req) => ({ route: routeOf(req as Request) }),
  serializers: {
    req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  },
  customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
});

function routeOf(req: Request): string {
  return req.route ? `${req.baseUrl}${String(req.route.path)}` : "unmatched";
}

app.use(http);
app.use((req, res, next) => {
  const started = performance.now();
  res.on("finish", () => metrics.record(req.method, routeOf(req), res.statusCode, (performance.now() - started) / 1000));
  next();
});

app.get("/metrics", async (_req, res) => {
  res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
});
app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});

const hop = (req: Request) => forwardedHeaders(req.headers, String(req.id));

if (role === "users") {
  app.get("/users/:id", (req, res) => {
    res.json(findUser(req.params.id as string));
  });
} else if (role === "orders") {
  const orders = ordersChain();
  app.get("/orders/:id", async (req, res) => {
    res.json(await orders.order(req.params.id as string, hop(req)));
  });
} else {
  app.get("/api/orders/:id", async (req, res) => {
    const answer = await relay(`${env.ordersUrl}/orders/${encodeURIComponent(req.params.id as string)}`, hop(req), "orders");
    res.status(answer.status).type("application/json").send(answer.body);
  });
}

app.use((_req, _res, next) => next(new HttpError(404, "not_found", "no such route")));
app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
  const known = err instanceof HttpError ? err : new HttpError(500, "internal", "internal error");
  if (!(err instanceof HttpError)) req.log.error({ err }, "unhandled error");
  res.status(known.status).json(errorBody(known));
});

const server = app.listen(env.port, env.host, () => {
  const address = server.address();
  http.logger.info({ service: role, port: typeof address === "object" && address ? address.port : env.port }, "listening");
});
server.keepAliveTimeout = 60_000;
process.once("SIGTERM", () => server.close(() => process.exit(0)));
