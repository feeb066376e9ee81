/**
 * The Node that the project's own commands run on: Node 24, what the images
 * ship. .ci/node pins the official binary from the npm registry (one
 * lockfile per architecture), use.sh puts it first on PATH where the
 * machine's node is older, and check.mjs stops npm test / start / bench on a
 * node outside package.json's engines.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "chai";

const ROOT = join(__dirname, "..", "..");
const NODE_DIR = join(ROOT, ".ci", "node");

interface Check {
  satisfies(version: string, range: string): boolean;
  refusal(version: string, range: string, execPath: string): string | undefined;
}

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const pkg = json(join(ROOT, "package.json")) as { engines: { node: string }; scripts: Record<string, string> };

/** The version each architecture's lockfile pins, with the integrity npm checks. */
function pinned(arch: "x64" | "arm64"): { version: string; integrity: string } {
  const lock = json(join(NODE_DIR, arch, "package-lock.json"));
  const manifest = json(join(NODE_DIR, arch, "package.json"));
  const name = `node-linux-${arch}`;
  const entry = lock.packages[`node_modules/${name}`];
  expect(manifest.dependencies, `${arch}/package.json`).to.deep.equal({ [name]: entry.version });
  expect(entry.bin, `${name}'s bin`).to.deep.equal({ node: "bin/node" });
  return { version: entry.version, integrity: entry.integrity };
}

describe("Node 24 for the project's own commands", () => {
  let check: Check;

  before(async () => {
    // A computed URL: check.mjs is plain JavaScript that must run on any node, before npm ci.
    check = (await import(pathToFileURL(join(NODE_DIR, "check.mjs")).href)) as Check;
  });

  it("runs this suite on Node 24, in package.json's engines", () => {
    expect(process.version, `the test runner (${process.execPath})`).to.match(/^v24\./);
    expect(check.satisfies(process.version, pkg.engines.node), `engines ${pkg.engines.node}`).to.equal(true);
  });

  it("pins one Node 24 for x64 and arm64, sha512-checksummed, inside engines; Node 20 and 22 are outside", () => {
    const x64 = pinned("x64");
    const arm64 = pinned("arm64");
    expect(x64.version).to.match(/^24\.\d+\.\d+$/);
    expect(arm64.version, "the same version on both").to.equal(x64.version);
    for (const { integrity } of [x64, arm64]) expect(integrity).to.match(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(check.satisfies(x64.version, pkg.engines.node)).to.equal(true);
    for (const old of ["v20.20.2", "v22.12.0", "v23.11.0"]) expect(check.satisfies(old, pkg.engines.node), old).to.equal(false);
  });

  it("pins the Node of the production image's default base (services/Dockerfile), so the offline base runs what production runs", () => {
    const dockerfile = readFileSync(join(ROOT, "services", "Dockerfile"), "utf8");
    const [, base] = /^ARG BASE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(dockerfile) ?? [];
    expect(base, "services/Dockerfile's default BASE_IMAGE").to.match(/^24\./);
    expect(pinned("x64").version).to.equal(base);
  });

  it("reads engines ranges as npm does for the forms engines uses, and refuses forms it does not know", () => {
    const range = "^22.12.0 || >=24.0.0";
    expect(check.satisfies("v22.12.0", range)).to.equal(true);
    expect(check.satisfies("v22.11.9", range)).to.equal(false);
    expect(check.satisfies("v23.0.0", range)).to.equal(false);
    expect(check.satisfies("v24.0.0", range)).to.equal(true);
    expect(check.satisfies("v26.1.0", ">=24 <26")).to.equal(false);
    expect(check.satisfies("v24.9.1", "~24.9.0")).to.equal(true);
    expect(check.satisfies("v24.10.0", "~24.9.0")).to.equal(false);
    expect(() => check.satisfies("v24.0.0", "24.x")).to.throw(/not a version: "24.x"/);
  });

  it("check.mjs lets the runner's node through, and tells an older one how to get Node 24", () => {
    const result = spawnSync(process.execPath, [join(NODE_DIR, "check.mjs")], { encoding: "utf8" });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stderr).to.equal("");
    const message = check.refusal("v20.20.2", pkg.engines.node, "/usr/bin/node");
    expect(message).to.include(`meshmart needs Node ${pkg.engines.node} (package.json engines); this is Node v20.20.2 (/usr/bin/node).`);
    expect(message).to.include('eval "$(bash .ci/node/use.sh)"');
    expect(check.refusal(process.version, pkg.engines.node, process.execPath)).to.equal(undefined);
  });

  it("npm test, npm start, the benchmarks and the image builds check the node first", () => {
    for (const script of ["test", "start", "bench", "bench:profile", "bench:images", "images", "test:resilience"]) {
      expect(pkg.scripts[script], script).to.match(/^node \.ci\/node\/check\.mjs && /);
    }
  });

  it("use.sh leaves a Node 24 on PATH alone: no export, no install", () => {
    // npm pointed at a closed loopback port: an install attempt would fail.
    const result = spawnSync("bash", [join(NODE_DIR, "use.sh")], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, npm_config_registry: "http://127.0.0.1:9/" },
    });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout, "what the caller would eval").to.equal("");
    expect(result.stderr).to.include(`${process.version} on PATH (${join(dirname(process.execPath), "node")}) is a Node 24 already`);
  });

  it("use.sh with no node on PATH: the export of the installed pin, or else what it needs to install it", () => {
    // A PATH of the real tools use.sh needs, and no node or npm.
    const tools = mkdtempSync(join(tmpdir(), "meshmart-use-sh-"));
    try {
      for (const tool of ["bash", "uname", "grep", "sed", "dirname"]) {
        symlinkSync(execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), join(tools, tool));
      }
      const arch = process.arch === "arm64" ? "arm64" : "x64";
      const { version } = pinned(arch);
      const bin = join(NODE_DIR, arch, "node_modules", ".bin");
      const installed = existsSync(join(bin, "node")) && execFileSync(join(bin, "node"), ["--version"], { encoding: "utf8" }).trim() === `v${version}`;
      const result = spawnSync(join(tools, "bash"), [join(NODE_DIR, "use.sh")], { encoding: "utf8", env: { PATH: tools } });
      if (installed) {
        expect(result.status, result.stderr).to.equal(0);
        expect(result.stdout).to.equal(`export PATH=${bin}:"$PATH"\n`);
        expect(result.stderr).to.include(`using v${version} (${bin}/node) instead of no node`);
      } else {
        expect(result.status, result.stdout).to.equal(1);
        expect(result.stdout).to.equal("");
        expect(result.stderr).to.include(`npm is needed to install Node v${version} (npm registry package node-linux-${arch})`);
      }
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  });
});
