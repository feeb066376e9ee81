/**
 * The storefront for in-process gateway apps: the real assets, built once per
 * test run by the same code scripts/build.mjs bundles into the gateway.
 *
 *   createGatewayApp({ kit, upstream, storefront: await testStorefront() })
 */
import { buildStorefrontAssets } from "../../scripts/storefront-assets.mjs";
import { createStorefront, type BuiltAsset, type Storefront } from "../../services/gateway/storefront/assets";

let built: Promise<BuiltAsset[]> | undefined;

export function storefrontAssets(): Promise<BuiltAsset[]> {
  built ??= buildStorefrontAssets();
  return built;
}

export async function testStorefront(): Promise<Storefront> {
  return createStorefront(await storefrontAssets());
}
