import { runService } from "../kit/run";
import { createOrdersService } from "./orders-app";

void runService("orders", ({ kit, redis, upstream }) => createOrdersService({ kit, redis: redis(), users: upstream("users") }));
