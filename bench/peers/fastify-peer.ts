/**
 * The chains in Fastify 5, as a team would build them with its built-in
 * pino: one process per role (PEER_ROLE=users|orders|gateway), each with one
 * pino JSON access line per request (in onResponse, with the route
 * template; Fastify's own two lines per request turned off), the request
 * id from a safe x-request-id or a fresh one, echoed, prom-client RED
 * metrics by route template on /metrics, zod validation, the trace headers
 * and request id passed on, upstream timeouts, and JSON errors
 * (400/404/502/503/504, 500 hidden).
 */
import Fastify, { type FastifyRequest } from "fastify";
import { env, errorBody, findUser, forwardedHeaders, HttpError, ordersChain, RedMetrics, relay, requestIdOf } from "./peer-chain";

const role = process.env.PEER_ROLE ?? "users";
const metrics = new RedMetrics(role);
const app = Fastify({
  logger: true,
  disableRequestLogging: true,
  requestIdHeader: false,
  genReqId: (req) => requestIdOf(req.headers["x-request-id"]),
  keepAliveTimeout: 60_000,
});

const routeOf = (req: FastifyRequest) => (req.routeOptions.url ? req.routeOptions.url : "unmatched");

app.addHook("onRequest", async (req, reply) => {
  reply.header("x-request-id", req.id);
});
app.addHook("onResponse", async (req, reply) => {
  const route = routeOf(req);
  metrics.record(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
  const line = { request_id: req.id, method: req.method, path: req.url, route, status: reply.statusCode, duration_ms: Math.round(reply.elapsedTime * 100) / 100 };
  if (reply.statusCode >= 500) req.log.error(line, "request");
  else req.log.info(line, "request");
});

app.get("/metrics", async (_req, reply) => {
  reply.type(metrics.registry.contentType);
  return metrics.registry.metrics();
});
app.get("/healthz", async () => ({ status: "ok" }));

const hop = (req: FastifyRequest) => forwardedHeaders(req.headers, req.id);

if (role === "users") {
  app.get<{ Params: { id: string } }>("/users/:id", async (req) => findUser(req.params.id));
} else if (role === "orders") {
  const orders = ordersChain();
  app.get<{ Params: { id: string } }>("/orders/:id", async (req) => orders.order(req.params.id, hop(req)));
} else {
  app.get<{ Params: { id: string } }>("/api/orders/:id", async (req, reply) => {
    const answer = await relay(`${env.ordersUrl}/orders/${encodeURIComponent(req.params.id)}`, hop(req), "orders");
    reply.code(answer.status).type("application/json");
    return answer.body;
  });
}

app.setNotFoundHandler(async (_req, reply) => {
  reply.code(404);
  return errorBody(new HttpError(404, "not_found", "no such route"));
});
app.setErrorHandler(async (err, req, reply) => {
  const known = err instanceof HttpError ? err : new HttpError(500, "internal", "internal error");
  if (!(err instanceof HttpError)) req.log.error({ err }, "unhandled error");
  reply.code(known.status);
  return errorBody(known);
});

void app.listen({ host: env.host, port: env.port }).then(() => {
  const address = app.server.address();
  app.log.info({ service: role, port: typeof address === "object" && address ? address.port : env.port }, "listening");
});
process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
