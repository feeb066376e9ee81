import { runService } from "../kit/run";
import { createCatalogApp } from "./app";
import { catalogConfig } from "./config";

void runService("catalog", ({ kit, env, fault }) => ({ app: createCatalogApp({ kit, errorRate: fault(catalogConfig(env).errorRate) }) }));
