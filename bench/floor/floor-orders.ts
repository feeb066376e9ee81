/**
 * The floor's orders: GET /orders/:id reads the order from the same Redis
 * hash with the same client (node-redis), fetches its user from the floor's
 * users over a keep-alive agent and nests it, as the real service does —
 * without validating the id, the stored order or the user's answer, without
 * timeouts, retries, metrics, logs or trace headers.
 */
import { get } from "node:http";
import { createClient } from "redis";
import { keepAlive, notFound, sendJson, serveFloor } from "./serve";

const usersUrl = process.env.USERS_URL ?? "http://127.0.0.1:8000";
const redis = createClient({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
redis.on("error", () => undefined);

function fetchUser(userId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(`${usersUrl}/users/${userId}`, { agent: keepAlive }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(res.statusCode === 200 ? body : "null"));
      res.on("error", reject);
    }).on("error", reject);
  });
}

void redis.connect().then(() => {
  serveFloor("orders", (req, res) => {
    const match = req.method === "GET" ? /^\/orders\/(\d+)$/.exec(req.url ?? "") : null;
    if (!match) return notFound(res);
    const id = match[1]!;
    redis
      .hGet("orders", id)
      .then(async (json) => {
        if (!json) return notFound(res);
        const { user_id, ...rest } = JSON.parse(json) as { user_id: string };
        const user = await fetchUser(user_id);
        sendJson(res, 200, `{"order_id":${id},"user":${user},${JSON.stringify({ user_id, ...rest }).slice(1)}`);
      })
      .catch(() => sendJson(res, 502, '{"error":{"code":"upstream","message":"failed"}}'));
  });
});
