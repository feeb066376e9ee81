import { runService } from "../kit/run";
import { createCatalogApp } from "./catalog-app";
import { catalogConfig } from "./catalog-config";

void runService("catalog", ({ kit, env, fault }) => ({ app: createCatalogApp({ kit, errorRate: fault(catalogConfig(env).errorRate) }) }));
