/**
 * The mock harness keeps the providers' promises (support/mock-providers.ts):
 * a RandomPassword is a random string of the shape asked for, and an image's
 * digest follows what it is built from. So the stacks' generated secrets and
 * image references can be checked for what they would really be.
 */
import { expect } from "chai";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDigest, contextFiles, DEFAULT_SPECIAL, randomPassword } from "./support/mock-providers";
import { userPasswords } from "../../infra/redis/redis-spec";
import { objects, ofType, run, reveal } from "./support/stacks";
import { SERVICE_NAMES } from "../../services/topology";

const escape = (s: string) => s.replace(/[\]\\^-]/g, "\\$&");

describe("mock harness: RandomPassword as the random provider makes it", () => {
  it("honours length, upper, lower, numeric, special and overrideSpecial", () => {
    expect(randomPassword({ length: 32, special: false })).to.match(/^[A-Za-z0-9]{32}$/);
    expect(randomPassword({ length: 4, special: false })).to.match(/^[A-Za-z0-9]{4}$/);
    expect(randomPassword({ length: 50, upper: false, numeric: false, special: false })).to.match(/^[a-z]{50}$/);
    expect(randomPassword({ length: 50, upper: false, lower: false, special: false })).to.match(/^[0-9]{50}$/);
    expect(randomPassword({ length: 50, upper: false, lower: false, numeric: false })).to.match(new RegExp(`^[${escape(DEFAULT_SPECIAL)}]{50}$`));
    expect(randomPassword({ length: 50, upper: false, lower: false, numeric: false, overrideSpecial: "_-" })).to.match(/^[_-]{50}$/);
    // Defaults: every class on, special included.
    expect(randomPassword({ length: 2000 })).to.match(new RegExp(`[${escape(DEFAULT_SPECIAL)}]`));
  });

  it("honours the minimums, and is random (two draws differ)", () => {
    const p = randomPassword({ length: 8, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 });
    expect(p).to.have.length(8);
    expect(p.replace(/[^A-Z]/g, "").length).to.be.at.least(2);
    expect(p.replace(/[^a-z]/g, "").length).to.be.at.least(2);
    expect(p.replace(/[^0-9]/g, "").length).to.be.at.least(2);
    expect(randomPassword({ length: 32 })).to.not.equal(randomPassword({ length: 32 }));
  });

  it("rejects what the provider rejects: an empty character set", () => {
    expect(() => randomPassword({ length: 8, upper: false, lower: false, numeric: false, special: false })).to.throw("character set specified is empty");
  });
});

describe("mock harness: image digests follow the build", () => {
  let dir: string;
  const build = { context: ".", dockerfile: "Dockerfile", args: { SERVICE: "cart" } };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "meshmart-context-"));
    mkdirSync(join(dir, "dist/services"), { recursive: true });
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, ".dockerignore"), "*\n!dist/services/*.mjs\n");
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY dist/services/ /app/\n");
    writeFileSync(join(dir, "dist/services/cart.mjs"), "console.log('v1')\n");
    writeFileSync(join(dir, "src/cart.ts"), "source\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sends only what .dockerignore lets in", () => {
    expect(contextFiles(dir)).to.deep.equal(["dist/services/cart.mjs"]);
  });

  it("changes with a file the context sends, the Dockerfile or a build arg, and with nothing else", () => {
    const before = buildDigest(dir, build);
    expect(before).to.match(/^[0-9a-f]{64}$/);
    writeFileSync(join(dir, "src/cart.ts"), "ignored by .dockerignore\n");
    expect(buildDigest(dir, build)).to.equal(before);
    writeFileSync(join(dir, "dist/services/cart.mjs"), "console.log('v2')\n");
    const rebuilt = buildDigest(dir, build);
    expect(rebuilt).to.not.equal(before);
    expect(buildDigest(dir, { ...build, args: { SERVICE: "users" } })).to.not.equal(rebuilt);
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY dist/services/ /srv/\n");
    expect(buildDigest(dir, build)).to.not.equal(rebuilt);
  });

  it("the repository's own context is the bundle only (services/Dockerfile's .dockerignore)", () => {
    const copy = mkdtempSync(join(tmpdir(), "meshmart-repo-context-"));
    try {
      cpSync(join(__dirname, "../../.dockerignore"), join(copy, ".dockerignore"));
      for (const f of ["dist/services/cart.mjs", "dist/chunks/chunk-X.mjs", "dist/chunks/chunk-X.mjs.map", "scripts/images/verify-bundle.mjs", "services/cart/app.ts", "package.json"]) {
        mkdirSync(join(copy, f, ".."), { recursive: true });
        writeFileSync(join(copy, f), f);
      }
      expect(contextFiles(copy)).to.deep.equal(["dist/chunks/chunk-X.mjs", "dist/services/cart.mjs", "scripts/images/verify-bundle.mjs"]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe("generated secrets in the stacks are what the provider would generate", function () {
  this.timeout(180_000);

  it("an unset Redis secret is 32 random alphanumerics (istio and linkerd set none), and a configured one is used as is; every ACL user's password derives from it", async () => {
    const derived: string[] = [];
    for (const stack of ["istio", "linkerd"] as const) {
      const r = await run(stack);
      const [secret] = objects(r, "Secret").filter((s) => s.metadata.name === "redis");
      const generated = reveal(ofType(r, "random:index/randomPassword:RandomPassword").find((p) => p.name === "redis-password")!.inputs);
      expect(generated, stack).to.deep.include({ length: 32, special: false });
      expect(secret.stringData["cart-password"], stack).to.match(/^[0-9a-f]{64}$/).and.not.equal(secret.stringData["orders-password"]);
      derived.push(secret.stringData["cart-password"]);
    }
    expect(derived[0], "generated per stack").not.to.equal(derived[1]);
    const [dev] = objects(await run("dev"), "Secret").filter((s) => s.metadata.name === "redis");
    expect(dev.stringData["cart-password"]).to.equal(userPasswords("test-redis-password").cart);
  });

  it("an unset Grafana admin password is 32 random alphanumerics, and the stack output is that same secret", async () => {
    const r = await run("istio");
    const [admin] = objects(r, "Secret").filter((s) => s.metadata.name === "grafana-admin");
    expect(admin.stringData["admin-password"]).to.match(/^[A-Za-z0-9]{32}$/);
    expect(r.outputs.grafanaAdminPassword).to.deep.equal({ $secret: admin.stringData["admin-password"] });
    expect(reveal(r.outputs.grafanaAdminPassword)).to.not.equal(reveal((await run("linkerd")).outputs.grafanaAdminPassword));
  });

  it("each image's digest is its own build's: one per service, pushed references by digest", async () => {
    const digests = Object.values((await run("dev")).outputs.imageDigests) as string[];
    expect(digests).to.have.length(SERVICE_NAMES.length);
    for (const d of digests) expect(d).to.match(/^localhost:5001\/meshmart\/[a-z]+@sha256:[0-9a-f]{64}$/);
    expect(new Set(digests.map((d) => d.split("@")[1])).size).to.equal(SERVICE_NAMES.length);
  });
});
