// The storefront's static assets (services/gateway/storefront/), built with
// esbuild and named by their content hash: app.<hash>.js from the client's
// TypeScript, styles.<hash>.css, favicon.<hash>.svg. scripts/build.mjs hands
// them to the gateway bundle as the module "meshmart:storefront-assets", so
// the gateway's one file (and so its container image) carries its own page:
// no file to copy next to it, nothing to read from disk at run time.
// Plain JavaScript so scripts/build.mjs can import it; tests import it too.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
export const STOREFRONT_DIR = join(root, "services", "gateway", "storefront");
export const STOREFRONT_ASSETS_MODULE = "meshmart:storefront-assets";

const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Browsers the client is compiled for (docs/storefront.md). */
const TARGET = ["chrome109", "edge109", "firefox115", "safari15.6"];

function hashed(name, body) {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  const ext = extname(name);
  const type = TYPES[ext];
  if (!type) throw new Error(`storefront asset ${name}: no content type for ${ext}`);
  return { name, file: `${basename(name, ext)}.${hash}${ext}`, hash, type, body };
}

/**
 * Builds every asset: [{ name: "app.js", file: "app.<hash>.js", hash, type, body }].
 * Deterministic: the same sources give the same names.
 */
export async function buildStorefrontAssets() {
  const result = await build({
    entryPoints: { app: join(STOREFRONT_DIR, "client", "storefront-main.ts"), styles: join(STOREFRONT_DIR, "styles.css") },
    outdir: "/storefront",
    write: false,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: TARGET,
    charset: "utf8",
    legalComments: "none",
    logLevel: "silent",
  });
  const built = result.outputFiles.map((file) => hashed(basename(file.path), file.text));
  const favicon = await readFile(join(STOREFRONT_DIR, "favicon.svg"), "utf8");
  return [...built, hashed("favicon.svg", favicon)].sort((a, b) => a.name.localeCompare(b.name));
}

/** esbuild plugin: `import assets from "meshmart:storefront-assets"` gets the built assets. */
export function storefrontAssetsPlugin() {
  return {
    name: "storefront-assets",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^meshmart:storefront-assets$/ }, (args) => ({ path: args.path, namespace: "storefront-assets" }));
      pluginBuild.onLoad({ filter: /.*/, namespace: "storefront-assets" }, async () => ({
        contents: `export default ${JSON.stringify(await buildStorefrontAssets())};`,
        loader: "js",
      }));
    },
  };
}
