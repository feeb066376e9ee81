/**
 * The bundles (dist/services/<name>.mjs, dist/launcher.mjs) for tests that run
 * real processes, built once per test run into a temporary directory of
 * their own with scripts/build.mjs (MESHMART_DIST_DIR), so a concurrent
 * `npm run build` over dist/ can never pull the files from under a test.
 * Removed when the test process exits.
 *
 *   const dist = await bundle();
 *   spawn(process.execPath, [join(dist, "services", "users.mjs")], …)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const ROOT = join(__dirname, "..", "..");
let built: Promise<string> | undefined;

export function bundle(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "meshmart-dist-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, env: { ...process.env, MESHMART_DIST_DIR: dir } });
    return dir;
  })();
  return built;
}
