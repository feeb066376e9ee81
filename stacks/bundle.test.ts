/**
 * bundleServices runs the repository's bundler the way `pulumi up` needs it:
 * `<root>/scripts/build.mjs` with this node, in the root, its output on the
 * caller's terminal and no input, and a failed build stops the program. A
 * stand-in build script in a scratch root records how it was started.
 */
import { expect } from "chai";
import { fstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleServices } from "./bundle";

const RECORDER = `import { fstatSync, writeFileSync } from "node:fs";
const fd = (n) => ({ dev: fstatSync(n).dev, ino: fstatSync(n).ino });
writeFileSync(new URL("./started.json", import.meta.url), JSON.stringify({
  execPath: process.execPath,
  cwd: process.cwd(),
  stdinIsNull: fstatSync(0).isCharacterDevice(),
  stdout: fd(1),
  stderr: fd(2),
}));
`;

describe("bundleServices (stacks/bundle.ts)", () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), "meshmart-bundle-")));
    mkdirSync(join(root, "scripts"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("runs <root>/scripts/build.mjs with this node, in the root, stdin closed, stdout and stderr the caller's", () => {
    writeFileSync(join(root, "scripts", "build.mjs"), RECORDER);
    bundleServices(root);
    const started = JSON.parse(readFileSync(join(root, "scripts", "started.json"), "utf8"));
    const fd = (n: number) => ({ dev: fstatSync(n).dev, ino: fstatSync(n).ino });
    expect(started).to.deep.equal({ execPath: process.execPath, cwd: root, stdinIsNull: true, stdout: fd(1), stderr: fd(2) });
  });

  it("throws when the build fails, so the program stops before any image", () => {
    writeFileSync(join(root, "scripts", "build.mjs"), "process.exit(3);\n");
    expect(() => bundleServices(root)).to.throw();
  });
});
