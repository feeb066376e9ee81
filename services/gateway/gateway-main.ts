import assets from "meshmart:storefront-assets";
import { runService } from "../kit/run";
import { createGatewayApp } from "./gateway-app";
import { createStorefront } from "./storefront/assets";

void runService("gateway", ({ kit, upstream }) => ({ app: createGatewayApp({ kit, upstream, storefront: createStorefront(assets) }) }));
