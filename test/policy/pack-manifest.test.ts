/**
 * The pack as a package: its pins (exact, and the program's own
 * @pulumi/pulumi), its lockfile, its entry point, its node_modules kept out of
 * git, every module under policy/policies/ in the pack once, and the preview
 * workflow that runs it.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect } from "chai";
import { parse } from "yaml";
import { MESHMART_POLICIES } from "../../policy/all-policies";
import { BUILTIN_GROUPS } from "../../policy/crd-installers";
import { PSA_LEVELS, PSA_MODES } from "../../policy/policies/namespace-pod-security";

const ROOT = resolve(__dirname, "../..");
const json = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8"));

describe("policy pack: package, pins and workflow", () => {
  const pack = json("policy/package.json");
  const root = json("package.json");

  it("pins @pulumi/policy 1.21.0 exactly, and the program's own @pulumi/pulumi and typescript", () => {
    expect(pack.dependencies["@pulumi/policy"]).to.equal("1.21.0");
    expect(root.devDependencies["@pulumi/policy"]).to.equal("1.21.0");
    expect(pack.dependencies["@pulumi/pulumi"]).to.equal(root.dependencies["@pulumi/pulumi"]);
    expect(pack.devDependencies["typescript"]).to.equal(root.devDependencies["typescript"]);
    for (const v of [...Object.values(pack.dependencies), ...Object.values(pack.devDependencies)]) expect(v).to.match(/^\d+\.\d+\.\d+$/);
  });

  it("its lockfile resolves those versions (npm ci installs what was reviewed)", () => {
    const lock = json("policy/package-lock.json");
    expect(lock.packages[""].dependencies).to.deep.equal(pack.dependencies);
    expect(lock.packages["node_modules/@pulumi/policy"].version).to.equal("1.21.0");
    expect(lock.packages["node_modules/@pulumi/pulumi"].version).to.equal(pack.dependencies["@pulumi/pulumi"]);
  });

  it("is a nodejs policy project whose package.json has the version and main the PolicyPack constructor and runner need", () => {
    expect(parse(readFileSync(join(ROOT, "policy/PulumiPolicy.yaml"), "utf8")).runtime).to.equal("nodejs");
    expect(pack.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(join(ROOT, "policy", pack.main), "utf8")).to.contain("new PolicyPack(");
  });

  it("keeps policy/node_modules out of git", () => {
    expect(() => execFileSync("git", ["check-ignore", "-q", "policy/node_modules/@pulumi/policy/package.json"], { cwd: ROOT })).to.not.throw();
  });

  it("lists every module under policy/policies/ exactly once, each with a level, named after its file", () => {
    const files = readdirSync(join(ROOT, "policy/policies")).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
    expect(MESHMART_POLICIES.map((p) => p.name).sort()).to.deep.equal(files.sort());
    for (const p of MESHMART_POLICIES) expect(["mandatory", "advisory"], p.name).to.include(p.enforcementLevel);
  });

  it("the preview workflow installs the pack (npm ci in policy/) before the preview that runs it", () => {
    const steps: any[] = parse(readFileSync(join(ROOT, ".github/workflows/preview.yml"), "utf8")).jobs.preview.steps;
    const install = steps.findIndex((s) => /^npm ci\b/.test(s.run ?? "") && s["working-directory"] === "policy");
    const preview = steps.findIndex((s) => String(s.uses ?? "").startsWith("pulumi/actions@"));
    expect(install, "npm ci in policy/").to.be.greaterThan(-1);
    expect(preview).to.be.greaterThan(install);
    expect(steps[preview].with.command).to.equal("preview");
    expect(steps[preview].with.policyPacks).to.equal("policy");
  });

  it("Kubernetes' own groups are exactly the groups of @pulumi/kubernetes' type tokens (everything else needs a CRD)", () => {
    const sdk = dirname(require.resolve("@pulumi/kubernetes/package.json"));
    const groups = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith(".js")) {
          for (const m of readFileSync(join(dir, e.name), "utf8").matchAll(/__pulumiType = ['"]kubernetes:([^'":]+):[^'"]+['"]/g)) groups.add(m[1]!.replace(/\/[^/]+$/, ""));
        }
      }
    };
    walk(sdk);
    expect(groups.size).to.be.greaterThan(20);
    expect([...BUILTIN_GROUPS].sort()).to.deep.equal([...groups].sort());
  });

  it("Pod Security Admission's levels and modes are upstream's (k8s.io/pod-security-admission api/constants.go)", () => {
    expect([...PSA_LEVELS]).to.deep.equal(["privileged", "baseline", "restricted"]);
    expect([...PSA_MODES]).to.deep.equal(["enforce", "audit", "warn"]);
  });
});
