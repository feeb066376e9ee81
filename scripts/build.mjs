// Bundles every service (services/<name>/<name>-main.ts) and the local launcher
// (scripts/launcher.ts) into dist/ with esbuild. Services are split: one small
// entry per service plus shared chunks, so container images share the chunk
// layer and differ only by a few kilobytes.
import { build } from "esbuild";
import { readdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { storefrontAssetsPlugin } from "./storefront-assets.mjs";

const root = new URL("..", import.meta.url).pathname;
// MESHMART_DIST_DIR builds elsewhere (the service tests bundle into a temporary
// directory so they never race a concurrent `npm run build` over dist/).
const outdir = process.env.MESHMART_DIST_DIR ? resolve(process.env.MESHMART_DIST_DIR) : join(root, "dist");

async function serviceEntries() {
  const dir = join(root, "services");
  const entries = {};
  for (const name of (await readdir(dir)).sort()) {
    const main = join(dir, name, `${name}-main.ts`);
    if (await stat(main).then((s) => s.isFile(), () => false)) entries[`services/${name}`] = main;
  }
  return entries;
}

// Bundled CommonJS dependencies call require() on Node's built-ins; in an ES
// module that needs a require of its own.
const banner = {
  js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
};

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { ...(await serviceEntries()), launcher: join(root, "scripts", "launcher.ts") },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: "linked",
  legalComments: "none",
  banner,
  // the gateway's page and assets, content-hashed, inside its bundle (scripts/storefront-assets.mjs)
  plugins: [storefrontAssetsPlugin()],
  logLevel: "warning",
});
