/** users: read-only reference data, no store, no upstreams. */
import { createServiceApp, type KitOptions, type ServiceApp } from "../kit/service-app";
import type { User } from "../contracts/user";
import { USERS } from "./users-data";
import { usersRoutes } from "./users";

export interface UsersDeps {
  readonly kit: KitOptions;
  readonly users?: readonly User[];
}

export function createUsersApp(deps: UsersDeps): ServiceApp {
  return createServiceApp(deps.kit, { routes: (app) => app.route("/users", usersRoutes(deps.users ?? USERS)) });
}
