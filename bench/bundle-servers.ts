/**
 * Bundles benchmark servers (the floor, the ladder's rungs) the way
 * scripts/build.mjs bundles the services — esbuild, ESM, one file per entry
 * under services/ — so they run as spawnService() runs a service, and the
 * comparison is between like and like.
 */
import { build } from "esbuild";

/** Bundles `entries` (name → source file) into `<outdir>/services/<name>.mjs`. */
export async function bundleServers(entries: Readonly<Record<string, string>>, outdir: string): Promise<void> {
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [`services/${name}`, file])),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: "warning",
  });
}
