/** The floor's users: GET /users/:id from the same reference data, no validation, metrics or logs. */
import { USERS } from "../../services/users/users-data";
import { notFound, sendJson, serveFloor } from "./serve";

const bodies = new Map(USERS.map((user) => [`/users/${user.id}`, JSON.stringify(user)]));

serveFloor("users", (req, res) => {
  const body = req.method === "GET" && req.url ? bodies.get(req.url) : undefined;
  if (body) sendJson(res, 200, body);
  else notFound(res);
});
