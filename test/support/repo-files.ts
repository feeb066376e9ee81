/**
 * The repository's files as a reader sees them: tracked and new (not
 * ignored) files that exist in the work tree, relative to the root with "/"
 * separators, sorted. A file made but not yet committed counts, so a check
 * on names or contents catches it before the commit does.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");

export function repositoryFiles(root = REPO_ROOT): string[] {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(listed.split("\0").filter(Boolean))].filter((file) => existsSync(join(root, file))).sort();
}
