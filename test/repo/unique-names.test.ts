/**
 * No two source files share a base name: a name says what the file is from
 * the path a reader sees (an editor tab, a stack trace, a search result),
 * without the folders around it. The base name is the file name without its
 * source extension, so scripts/build.mjs and a build.ts elsewhere collide
 * too; `x.test.ts` is the test of `x.ts`, a name of its own; a declaration
 * file beside the module it types (`x.d.mts` next to `x.mjs`) is that module.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { REPO_ROOT, repositoryFiles } from "../support/repo-files";

const SOURCE = /\.(d\.)?(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/**
 * Collisions not renamed yet, each group exactly as it stands; remove a group
 * when its files are renamed (a group that no longer collides fails the test,
 * so this list never hides a new one).
 */
const NOT_YET_RENAMED: readonly (readonly string[])[] = [];

/**
 * Files whose name a tool fixes; in a collision the other file is renamed.
 * The root index.ts is the program Pulumi runs: Pulumi.yaml names no `main`,
 * so Pulumi loads the project directory, which Node resolves through
 * package.json's "main"; and index.ts is where every Pulumi TypeScript
 * program keeps its entry, so a reader looks for it there.
 */
const KEEPS_ITS_NAME = ["index.ts"];

/** Source files grouped by base name: only the names two or more files share. */
function sharedBaseNames(files: readonly string[]): Map<string, string[]> {
  const sources = new Set(files.filter((file) => SOURCE.test(file)));
  const byName = new Map<string, string[]>();
  for (const file of sources) {
    const declared = file.replace(/\.d\.(ts|mts|cts)$/, (_, ext: string) => `.${ext.replace("ts", "js")}`);
    if (declared !== file && sources.has(declared)) continue; // the declarations of a module beside it
    const name = file.slice(file.lastIndexOf("/") + 1).replace(SOURCE, "");
    byName.set(name, [...(byName.get(name) ?? []), file]);
  }
  return new Map([...byName].filter(([, group]) => group.length > 1).map(([name, group]) => [name, group.sort()]));
}

/** One line per collision outside `allowed`, naming what to rename. */
function problems(files: readonly string[], allowed: readonly (readonly string[])[]): string[] {
  const shared = sharedBaseNames(files);
  const allowedKeys = new Set(allowed.map((group) => [...group].sort().join(" ")));
  const found = [...shared.values()].map((group) => group.join(" "));
  return [
    ...found
      .filter((key) => !allowedKeys.has(key))
      .map((key) => {
        const rename = key.split(" ").filter((file) => !KEEPS_ITS_NAME.includes(file));
        return `shared base name: ${key} (rename ${rename.join(", ")} so the name says what it is)`;
      }),
    ...[...allowedKeys].filter((key) => !found.includes(key)).map((key) => `allowed collision no longer collides as listed: ${key} (update NOT_YET_RENAMED)`),
  ];
}

describe("source file names: unique base names across the repository", () => {
  it("no two source files share a base name, but the collisions listed as not yet renamed", () => {
    const files = repositoryFiles();
    expect(files.filter((file) => SOURCE.test(file)).length, "the listing found the sources").to.be.greaterThan(300);
    expect(problems(files, NOT_YET_RENAMED)).to.deep.equal([]);
  });

  it("finds a shared name across folders and extensions, and accepts a test beside its source and a declaration beside its module", () => {
    const files = ["a/build.mjs", "b/build.ts", "c/x.ts", "c/x.test.ts", "d/y.mjs", "d/y.d.mts", "e/z.d.ts", "f/z.ts", "README.md", "g/README.md"];
    expect([...sharedBaseNames(files)]).to.deep.equal([
      ["build", ["a/build.mjs", "b/build.ts"]],
      ["z", ["e/z.d.ts", "f/z.ts"]],
    ]);
    expect(problems(files, [["a/build.mjs", "b/build.ts"], ["q/gone.ts", "r/gone.ts"]])).to.deep.equal([
      "shared base name: e/z.d.ts f/z.ts (rename e/z.d.ts, f/z.ts so the name says what it is)",
      "allowed collision no longer collides as listed: q/gone.ts r/gone.ts (update NOT_YET_RENAMED)",
    ]);
    expect(problems(["index.ts", "policy/index.ts"], [])).to.deep.equal(["shared base name: index.ts policy/index.ts (rename policy/index.ts so the name says what it is)"]);
  });

  it("the name kept for Pulumi is the one Pulumi runs: package.json's main, with no other main in Pulumi.yaml", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { main?: string };
    for (const kept of KEEPS_ITS_NAME) expect(pkg.main).to.equal(kept);
    expect(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")).to.not.match(/^\s*main:/m);
  });

  it("lists staged and new files, not ignored or deleted ones", () => {
    const dir = mkdtempSync(join(tmpdir(), "meshmart-names-"));
    try {
      const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
      git("init", "-q");
      for (const [file, text] of [[".gitignore", "dist/\n"], ["a/kept.ts", ""], ["a/deleted.ts", ""], ["dist/built.ts", ""]] as const) {
        mkdirSync(join(dir, file, ".."), { recursive: true });
        writeFileSync(join(dir, file), text);
      }
      git("add", ".gitignore", "a/kept.ts", "a/deleted.ts");
      rmSync(join(dir, "a/deleted.ts"));
      writeFileSync(join(dir, "a/new.ts"), "");
      expect(repositoryFiles(dir)).to.deep.equal([".gitignore", "a/kept.ts", "a/new.ts"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
