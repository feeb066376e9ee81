/** GET /users and GET /users/:id. */
import { Hono } from "hono";
import { z } from "zod";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import { validate } from "../kit/validation";
import { UserIdParam } from "../contracts/ids";
import type { User } from "../contracts/user";

export function usersRoutes(users: readonly User[]): Hono<ServiceEnv> {
  const byId = new Map(users.map((user) => [user.id, user]));
  return new Hono<ServiceEnv>()
    .get("/", (c) => c.json({ users }))
    .get("/:id", validate("param", z.object({ id: UserIdParam })), (c) => {
      const { id } = c.req.valid("param");
      const user = byId.get(id);
      if (!user) throw new AppError(404, "user_not_found", `no user ${id}`);
      return c.json(user);
    });
}
