/** Rung 2: Hono on @hono/node-server answering GET /users/:id from the same data — no validation, no kit. */
import { Hono } from "hono";
import { USERS } from "../../services/users/users-data";
import { serveRung } from "./announce";

const byId = new Map(USERS.map((user) => [String(user.id), user]));
const app = new Hono().get("/users/:id", (c) => {
  const user = byId.get(c.req.param("id"));
  return user ? c.json(user) : c.json({ error: { code: "user_not_found", message: "no such user" } }, 404);
});
serveRung("hono-bare", app);
