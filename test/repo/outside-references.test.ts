/**
 * The repository explains itself: no file points at a document it does not
 * contain. The product's design and house-style documents (their names are
 * built below, so this file does not mention them itself) live outside the
 * repository, as does anything under a sibling `shared` folder; a maintainer
 * who has only the repository must find the contracts in docs/architecture.md.
 * And every relative link in the Markdown resolves to a file or folder in
 * the repository.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { expect } from "chai";
import { REPO_ROOT, repositoryFiles } from "../support/repo-files";

/** Documents that exist only outside the repository (unless it gains one of that name). */
const OUTSIDE_DOCUMENTS = ["DESIGN", "STYLE"].map((name) => `${name}.md`);
const OUTSIDE_FOLDERS = [["..", "shared"].join("/"), ["", "work", "shared"].join("/")];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** Lines of `text` that name an outside document or folder, as "line: text". */
function outsideMentions(text: string, documents: readonly string[]): string[] {
  const pattern = new RegExp([...documents.map((d) => `\\b${escape(d)}\\b`), ...OUTSIDE_FOLDERS.map((f) => `${escape(f)}(?![\\w-])`)].join("|"));
  return text.split("\n").flatMap((line, i) => (pattern.test(line) ? [`${i + 1}: ${line.trim().slice(0, 160)}`] : []));
}

/** Relative link targets of a Markdown file that are not a file or folder of the repository. */
function brokenLinks(file: string, text: string, exists: (path: string) => boolean): string[] {
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const path = target!.split("#")[0]!;
    if (!path || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith("/")) continue; // an anchor, a URL
    const resolved = normalize(join(dirname(file), decodeURIComponent(path))).replace(/\/$/, "");
    if (resolved.startsWith("..") || !exists(resolved)) broken.push(target!);
  }
  return broken;
}

const isText = (body: Buffer) => !body.subarray(0, 8000).includes(0);

describe("the repository refers to nothing outside it", () => {
  const files = repositoryFiles();
  const documents = OUTSIDE_DOCUMENTS.filter((name) => !files.some((file) => file === name || file.endsWith(`/${name}`)));

  it("no file names the design or style documents or a folder beside the repository", () => {
    const found: string[] = [];
    for (const file of files) {
      const body = readFileSync(join(REPO_ROOT, file));
      if (isText(body)) found.push(...outsideMentions(body.toString("utf8"), documents).map((hit) => `${file}:${hit}`));
    }
    expect(files.length).to.be.greaterThan(300);
    expect(found).to.deep.equal([]);
  });

  it("every relative Markdown link lands on a file or folder of the repository", () => {
    const markdown = files.filter((file) => file.endsWith(".md"));
    expect(markdown).to.include.members(["README.md", "docs/architecture.md"]);
    const broken = markdown.flatMap((file) => brokenLinks(file, readFileSync(join(REPO_ROOT, file), "utf8"), (path) => existsSync(join(REPO_ROOT, path))).map((target) => `${file}: ${target}`));
    expect(broken).to.deep.equal([]);
  });

  it("the checks catch a mention, a sibling folder, and a link that leaves the repository or lands nowhere", () => {
    const [design, style] = OUTSIDE_DOCUMENTS as [string, string];
    expect(outsideMentions(`ok\nsee ${design}'s graph\nas ${style} says\n../shared-memory is fine\n`, OUTSIDE_DOCUMENTS)).to.deep.equal([`2: see ${design}'s graph`, `3: as ${style} says`]);
    expect(outsideMentions(`from ${OUTSIDE_FOLDERS[0]}/notes.md`, [])).to.have.length(1);
    expect(outsideMentions(`MY${design} and ${design.toLowerCase()}`, OUTSIDE_DOCUMENTS)).to.deep.equal([]);
    const exists = (path: string) => ["docs/a.md", "docs", "README.md"].includes(path);
    const text = "[a](a.md) [top](../README.md#x) [dir](./) [web](https://x.org/y.md) [here](#s) [out](../../elsewhere.md) [gone](b.md)";
    expect(brokenLinks("docs/c.md", text, exists)).to.deep.equal(["../../elsewhere.md", "b.md"]);
  });
});
