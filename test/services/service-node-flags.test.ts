/**
 * The launcher runs every service's node as the images and the Deployments
 * do, with V8's young generation capped (services/node-flags.ts; measured in
 * docs/benchmarks.md, "Idle memory: what was tried"), so `npm start`, the
 * bench and the tests' shops measure the runtime that ships — not one V8
 * sizes from this machine's memory.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { bundle } from "../support/test-dist";
import { activeMutant } from "../support/active-mutant";

describe("the launcher's service processes run node with the shipped flags", function () {
  this.timeout(60_000);
  let users: ServiceProcess | undefined;

  after(async () => {
    users?.child.kill("SIGTERM");
    await users?.exited;
  });

  it("starts node --max-semi-space-size=2 <bundle>, the flag before the bundle where node reads it", async () => {
    const dist = await bundle();
    users = await spawnService({ service: "users", distDir: dist, env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", ...activeMutant() } });
    const argv = readFileSync(`/proc/${users.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    expect(argv.slice(1)).to.deep.equal(["--max-semi-space-size=2", `${dist}/services/users.mjs`]);
  });
});
