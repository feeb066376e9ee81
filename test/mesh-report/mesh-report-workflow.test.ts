/**
 * The kind workflow's optional mesh-report job: only when asked for (a
 * workflow_dispatch input, off by default), on its own kind cluster, running
 * `npm run mesh-report` and uploading its directory as an artifact even when
 * the run failed. actionlint checks the file's syntax (test/infra/workflows.test.ts).
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "../..");

describe("the kind workflow's mesh-report job", () => {
  const w = parse(readFileSync(join(ROOT, ".github/workflows/e2e-kind.yml"), "utf8"));
  const job = w.jobs["mesh-report"];

  it("runs only on a manual run that asks for it (an input, off by default)", () => {
    expect(w.on.workflow_dispatch.inputs.mesh_report).to.deep.include({ type: "boolean", default: false });
    expect(job.if).to.equal("github.event_name == 'workflow_dispatch' && inputs.mesh_report");
  });

  it("makes its own kind cluster and file backend, runs the report, and uploads it whatever happened", () => {
    const runs = job.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    expect(runs).to.contain("bash .ci/kind-with-registry.sh");
    expect(runs).to.match(/pulumi login "file:\/\//);
    expect(runs).to.match(/npm run mesh-report -- --out "\$RUNNER_TEMP\/mesh-report"/);
    const upload = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload.if).to.equal("always()");
    expect(upload.with).to.deep.include({ name: "mesh-report", path: "${{ runner.temp }}/mesh-report" });
  });

  it("npm run mesh-report is the CLI", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts["mesh-report"]).to.match(/tsx scripts\/mesh-report\/mesh-report-cli\.ts$/);
  });
});

describe("the mesh report's docs", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const doc = readFileSync(join(ROOT, "docs/mesh-report.md"), "utf8");

  it("README points at docs/mesh-report.md, and its example chart says where it was measured: not a cluster", () => {
    expect(readme).to.contain("npm run mesh-report");
    expect(readme).to.contain("(docs/mesh-report.md)");
    const image = /!\[([^\]]*)\]\((docs\/mesh-report[^)]*\.png)\)/.exec(readme);
    expect(image, "an example chart").to.not.equal(null);
    expect(image![1]).to.contain("local shop, no mesh, this machine");
    expect(existsSync(join(ROOT, image![2]!))).to.equal(true);
    expect(readme).to.contain("No run on a real cluster exists yet");
  });

  it("docs/mesh-report.md documents every option of the CLI, the CI job and the tests", () => {
    const cli = readFileSync(join(ROOT, "scripts/mesh-report/mesh-report-cli.ts"), "utf8");
    const flags = [...cli.matchAll(/^ \*   (--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(flags.length).to.be.greaterThan(5);
    for (const flag of flags) expect(doc, flag).to.contain(`\`${flag}`);
    for (const text of ["mesh_report", "test/mesh-report/mesh-run.test.ts", "test/mesh-report/local-shop-report.test.ts", "cannot separate"]) expect(doc).to.contain(text);
  });
});
