/**
 * The floor's gateway: /api/<prefix> piped to the upstream over a keep-alive
 * agent, status and headers passed through — no header filtering, request
 * id, forwarded headers, timeouts, retries, metrics or logs.
 */
import { request } from "node:http";
import { keepAlive, notFound, serveFloor } from "./serve";

const ROUTES: readonly (readonly [prefix: string, target: string, base: string])[] = [
  ["/api/products", "/products", process.env.CATALOG_URL ?? "http://127.0.0.1:5001"],
  ["/api/orders", "/orders", process.env.ORDERS_URL ?? "http://127.0.0.1:8001"],
  ["/api/users", "/users", process.env.USERS_URL ?? "http://127.0.0.1:8000"],
];

serveFloor("gateway", (req, res) => {
  const url = req.url ?? "/";
  const route = ROUTES.find(([prefix]) => url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`));
  if (!route) return notFound(res);
  const [prefix, target, base] = route;
  const upstream = request(`${base}${target}${url.slice(prefix.length)}`, { method: req.method, headers: req.headers, agent: keepAlive }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
