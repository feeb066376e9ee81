import { runService } from "../kit/run";
import { createUsersApp } from "./app";

void runService("users", ({ kit }) => ({ app: createUsersApp({ kit }) }));
