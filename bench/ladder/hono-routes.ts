/** Rung 3: the users service's own routes (zod validation of the id, JSON errors) on Hono — without the kit around them. */
import { Hono } from "hono";
import type { ServiceEnv } from "../../services/kit/context";
import { USERS } from "../../services/users/users-data";
import { usersRoutes } from "../../services/users/users";
import { serveRung } from "./announce";

serveRung("hono-routes", new Hono<ServiceEnv>().route("/users", usersRoutes(USERS)));
