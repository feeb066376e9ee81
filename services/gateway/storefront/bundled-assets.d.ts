/**
 * The storefront's built assets (BuiltAsset[] of ./assets.ts), a module that
 * exists only in the bundle: scripts/build.mjs makes it with
 * scripts/storefront-assets.mjs. Only the gateway's gateway-main.ts imports it; tests
 * build the assets themselves.
 */
declare module "meshmart:storefront-assets" {
  const assets: readonly { readonly name: string; readonly file: string; readonly hash: string; readonly type: string; readonly body: string }[];
  export default assets;
}
