/**
 * The storefront as the gateway serves it: the page and its content-hashed
 * assets, held in memory with their caching headers. The page always
 * revalidates (no-cache + a strong ETag, so a deploy shows at once and an
 * unchanged page costs a 304); an asset's name changes with its content, so it
 * is cached for a year as immutable.
 */
import { createHash } from "node:crypto";
import { renderPage } from "./page";

/** One built asset, as scripts/storefront-assets.mjs makes it. */
export interface BuiltAsset {
  /** Logical name, e.g. "app.js". */
  readonly name: string;
  /** Served name with the content hash, e.g. "app.3f2a9c1d0b7e4a55.js". */
  readonly file: string;
  readonly hash: string;
  readonly type: string;
  readonly body: string;
}

export interface ServedFile {
  readonly body: string;
  readonly type: string;
  /** Strong ETag, quoted. */
  readonly etag: string;
  readonly cacheControl: string;
}

export interface Storefront {
  readonly page: ServedFile;
  /** By served name (app.<hash>.js). */
  readonly assets: ReadonlyMap<string, ServedFile>;
}

/** Where the assets are served; the page links them from here. */
export const ASSETS_PREFIX = "/assets";
export const PAGE_CACHE_CONTROL = "no-cache";
export const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The storefront from the built assets; throws when one the page needs is missing. */
export function createStorefront(built: readonly BuiltAsset[]): Storefront {
  const url = (name: string): string => {
    const asset = built.find((candidate) => candidate.name === name);
    if (!asset) throw new Error(`the storefront needs ${name}, which the build did not make (run npm run build)`);
    return `${ASSETS_PREFIX}/${asset.file}`;
  };
  const html = renderPage({ script: url("app.js"), style: url("styles.css"), icon: url("favicon.svg") });
  const page: ServedFile = {
    body: html,
    type: "text/html; charset=utf-8",
    etag: `"${createHash("sha256").update(html).digest("hex").slice(0, 16)}"`,
    cacheControl: PAGE_CACHE_CONTROL,
  };
  const assets = new Map(
    built.map((asset) => [asset.file, { body: asset.body, type: asset.type, etag: `"${asset.hash}"`, cacheControl: ASSET_CACHE_CONTROL }] as const),
  );
  return { page, assets };
}
