/**
 * The images ship the bundle in dist/ (scripts/build.mjs). Running the bundler
 * here, before the images are declared, makes `pulumi up` (and preview, whose
 * diff hashes the build context) always see the current source; esbuild's
 * output is deterministic, so an unchanged source leaves the images as they are.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export function bundleServices(root: string): void {
  execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
}
