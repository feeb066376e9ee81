import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { KEYS } from "../../stacks/config";

const ROOT = join(__dirname, "../..");
const workflow = (name: string) => parse(readFileSync(join(ROOT, ".github/workflows", name), "utf8"));
const steps = (w: any) => Object.values(w.jobs).flatMap((j: any) => j.steps as any[]);

describe("GitHub workflows", () => {
  it("pin every action to a commit", () => {
    for (const file of readdirSync(join(ROOT, ".github/workflows"))) {
      for (const step of steps(workflow(file)).filter((s) => s.uses)) expect(step.uses, file).to.match(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
  });

  it("preview every stack on pull requests and post the diff as a comment", () => {
    const w = workflow("preview.yml");
    expect(w.on).to.have.property("pull_request");
    const stacks = readdirSync(ROOT).filter((f) => /^Pulumi\.\w+\.yaml$/.test(f)).map((f) => f.split(".")[1]);
    expect([...w.jobs.preview.strategy.matrix.stack].sort()).to.deep.equal(stacks.sort());
    const pulumi = steps(w).find((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(pulumi.with).to.deep.include({ command: "preview", "stack-name": "${{ matrix.stack }}", "comment-on-pr": true });
    expect(w.permissions["pull-requests"]).to.equal("write");
  });

  it("run the tests the way CI does, in Debian (whose chromium package is a browser, not a snap shim)", () => {
    const w = workflow("test.yml");
    expect(steps(w).map((s) => s.run).filter(Boolean).join("\n")).to.contain("bash .ci/run");
    expect(w.jobs.test.container.image).to.match(/^debian:bookworm/);
    expect(w.jobs.test.container.options).to.contain("--privileged");
  });
});

describe("docs/cluster.md", () => {
  it("documents every config key and every stack output", () => {
    const doc = readFileSync(join(ROOT, "docs/cluster.md"), "utf8");
    for (const key of Object.keys(KEYS)) expect(doc, key).to.contain(`\`meshmart:${key}\``);
    for (const output of ["ingressUrl", "grafanaPortForward", "grafanaAdminPassword", "prometheusPortForward", "imageDigests", "mesh"]) {
      expect(doc, output).to.contain(`\`${output}\``);
    }
  });
});
