import { runService } from "../kit/run";
import { createUsersApp } from "./users-app";

void runService("users", ({ kit }) => ({ app: createUsersApp({ kit }) }));
