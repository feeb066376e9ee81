import type { Plugin } from "esbuild";
import type { BuiltAsset } from "../services/gateway/storefront/assets";

export declare const STOREFRONT_DIR: string;
export declare const STOREFRONT_ASSETS_MODULE: "meshmart:storefront-assets";
export declare function buildStorefrontAssets(): Promise<BuiltAsset[]>;
export declare function storefrontAssetsPlugin(): Plugin;
