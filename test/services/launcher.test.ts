/**
 * The launcher end to end: `node dist/launcher.mjs` (what `npm start` runs) on
 * free ports, driven through the gateway, stopped with SIGTERM, and nothing
 * left behind; plus the programmatic startShop() other suites use.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { DEFAULT_CANARY_WEIGHT, PAYMENT_V2_PORT, SHOP_PROCESSES } from "../../scripts/launcher/launcher-processes";
import { portsFor, startLevels, startShop } from "../../scripts/launcher/start-shop";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import { KEYS } from "../../stacks/config";
import { bundle } from "../support/test-dist";
import { postJson } from "../support/services";
import { waitFor } from "../support/wait";
import { activeMutant } from "../support/active-mutant";

interface Launched {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  readonly urls: Record<string, string>;
  readonly pids: Record<string, number>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie: an orphan's exit is reaped by whatever adopted it, maybe never in a container. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("the launcher (npm start)", function () {
  this.timeout(60_000);
  let dist: string;
  const launched: ChildProcess[] = [];

  /** Runs dist/launcher.mjs with `env`; resolves once it printed where everything listens. */
  async function launch(env: Record<string, string> = {}): Promise<Launched> {
    const child = spawn(process.execPath, [join(dist, "launcher.mjs")], { env: { PATH: process.env.PATH, SHOP_PORTS: "free", ...activeMutant(), ...env } });
    launched.push(child);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await waitFor("the banner", () => output.includes("Ctrl-C stops everything.") || child.exitCode !== null, { timeoutMs: 30_000 });
    const urls: Record<string, string> = {};
    const pids: Record<string, number> = {};
    for (const match of output.matchAll(/^ {2}([\w-]+)\s+((?:http|redis):\/\/\S+)\s+pid (\d+)/gm)) {
      urls[match[1]!] = match[2]!;
      pids[match[1]!] = Number(match[3]);
    }
    return { child, output: () => output, exited, urls, pids };
  }

  before(async function () {
    this.timeout(60_000);
    dist = await bundle();
  });
  afterEach(async () => {
    for (const child of launched.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  /** What the banner lists: every service, payment as its two versions, and Redis. */
  const PROCESSES = [...SERVICE_NAMES.filter((n) => n !== "payment"), "payment-v1", "payment-v2"];

  it("runs the whole shop on free ports, works through the gateway, and SIGTERM leaves nothing behind", async () => {
    const started = Date.now();
    const shop = await launch();
    const startup = Date.now() - started;
    expect(Object.keys(shop.pids).sort(), shop.output()).to.deep.equal([...PROCESSES, "redis"].sort());
    for (const name of PROCESSES) expect(shop.urls[name]).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(shop.output(), "the canary, as in the dev stack").to.include(`cart sends ${DEFAULT_CANARY_WEIGHT}% of payments to payment-v2`);
    for (const version of ["v1", "v2"]) {
      const payment = await postJson(`${shop.urls[`payment-${version}`]}/payments`, { user_id: "u", amount_cents: 5 }, { "idempotency-key": `direct-${version}` });
      expect((await payment.json()).version, `payment-${version} runs as ${version}`).to.equal(version);
    }
    const gateway = shop.urls.gateway!;
    expect(await (await fetch(`${shop.urls.users}/users/1`)).text()).to.equal('{"id":1,"name":"Alice"}');
    expect((await (await fetch(`${shop.urls.orders}/orders/1`)).json()).user).to.deep.equal({ id: 1, name: "Alice" });
    expect((await fetch(`${gateway}/`)).status).to.equal(200);
    const added = await postJson(`${gateway}/api/cart/user123/add`, { product_id: "1", quantity: 2 });
    expect(added.status).to.equal(200);
    const checkout = await fetch(`${gateway}/api/cart/user123/checkout`, { method: "POST" });
    expect(checkout.status).to.equal(201);
    const { order_id } = await checkout.json();
    expect((await (await fetch(`${gateway}/api/orders/${order_id}`)).json()).total_cents).to.equal(9998);
    await waitFor("the notifications", async () => {
      const { notifications } = await (await fetch(`${shop.urls.notifications}/notifications/user123`)).json();
      return notifications.length === 3;
    });
    expect((await fetch(`${gateway}/api/payments`)).status).to.equal(404);

    shop.child.kill("SIGTERM");
    expect(await shop.exited, shop.output()).to.equal(0);
    expect(shop.output()).to.include("all cleanly");
    for (const [name, pid] of Object.entries(shop.pids)) expect(alive(pid), `${name} (pid ${pid}) is gone`).to.equal(false);
    console.log(`      (startup on free ports: ${startup} ms)`);
  });

  it("stops everything with a non-zero exit when a service dies", async () => {
    const shop = await launch();
    process.kill(shop.pids.catalog!, "SIGKILL");
    expect(await shop.exited).to.equal(1);
    expect(shop.output()).to.match(/catalog exited unexpectedly \(SIGKILL\)/);
    for (const [name, pid] of Object.entries(shop.pids)) expect(alive(pid), `${name} (pid ${pid}) is gone`).to.equal(false);
  });

  it("when the launcher itself is killed (SIGKILL: no handler runs), its reaper still stops every process it started", async () => {
    const shop = await launch();
    expect(Object.keys(shop.pids).sort(), shop.output()).to.deep.equal([...PROCESSES, "redis"].sort());
    shop.child.kill("SIGKILL");
    await shop.exited;
    await waitFor(
      "every service and Redis to be gone",
      () => Object.entries(shop.pids).every(([, pid]) => !running(pid)) || undefined,
      { timeoutMs: 20_000, intervalMs: 100 },
    ).catch(() => undefined);
    for (const [name, pid] of Object.entries(shop.pids)) expect(running(pid), `${name} (pid ${pid}) is gone`).to.equal(false);
  });

  it("says how to install redis-server when it is missing", async () => {
    const emptyPath = mkdtempSync(join(tmpdir(), "meshmart-nopath-"));
    const child = spawn(process.execPath, [join(dist, "launcher.mjs")], { env: { PATH: emptyPath, SHOP_PORTS: "free" } });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise((resolve) => child.on("exit", resolve));
    rmSync(emptyPath, { recursive: true, force: true });
    expect(code).to.equal(1);
    expect(output).to.include("redis-server was not found on PATH");
    expect(output).to.include("apt-get install redis-server");
  });

  it("refuses a bad port layout, payment version or canary weight with a clear message", async () => {
    for (const [env, message] of [
      [{ SHOP_PORT_OFFSET: "lots" }, "SHOP_PORT_OFFSET must be a whole number"],
      [{ SHOP_PORTS: "random" }, 'SHOP_PORTS must be "free" or "topology"'],
      [{ PAYMENT_VERSION: "v3" }, "PAYMENT_VERSION must be v1 or v2"],
      [{ PAYMENT_CANARY_WEIGHT: "lots" }, "PAYMENT_CANARY_WEIGHT must be a whole percent 0-100"],
      [{ PAYMENT_CANARY_WEIGHT: "101" }, "PAYMENT_CANARY_WEIGHT must be a whole percent 0-100"],
      [{ PAYMENT_CANARY_WEIGHT: "10", PAYMENT_VERSION: "v2" }, "set PAYMENT_VERSION or PAYMENT_CANARY_WEIGHT, not both"],
    ] as const) {
      const child = spawn(process.execPath, [join(dist, "launcher.mjs")], { env: { PATH: process.env.PATH, ...activeMutant(), ...env } });
      let output = "";
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      expect(await new Promise((resolve) => child.on("exit", resolve))).to.equal(1);
      expect(output).to.include(message);
    }
  });

  it("startShop(): free ports, every payment to v2, faults passed through, and stop() ends every process", async () => {
    const shop = await startShop({ distDir: dist, ports: "free", paymentVersion: "v2", env: { CATALOG_ERROR_RATE: "1" } });
    try {
      expect(shop.canaryWeight, "PAYMENT_VERSION=v2 sends every payment to v2").to.equal(100);
      const payment = await postJson(`${shop.urls["payment-v2"]}/payments`, { user_id: "u", amount_cents: 5 }, { "idempotency-key": "v2-check" });
      expect((await payment.json()).version).to.equal("v2");
      const stable = await postJson(`${shop.urls.payment}/payments`, { user_id: "u", amount_cents: 5 }, { "idempotency-key": "v1-check" });
      expect((await stable.json()).version, "urls.payment is v1's process").to.equal("v1");
      expect((await fetch(`${shop.urls.catalog}/products`)).status).to.equal(500);
      expect((await fetch(`${shop.urls.catalog}/readyz`)).status).to.equal(200);
    } finally {
      const reports = await shop.stop();
      expect(reports.map((r) => r.code)).to.deep.equal(reports.map(() => 0));
    }
    for (const pid of [...Object.values(shop.pids), shop.redis.pid!]) expect(alive(pid)).to.equal(false);
  });

  it("lays ports out from the topology, with an offset, or free, and starts callees first", () => {
    expect(portsFor("topology")).to.deep.equal({ ...Object.fromEntries(SERVICE_NAMES.map((n) => [n, SERVICES[n].port])), "payment-v2": PAYMENT_V2_PORT });
    expect(Object.values(SERVICES).map((s) => s.port), "payment-v2's port is free in the topology").not.to.include(PAYMENT_V2_PORT);
    expect(portsFor({ offset: 100 }).gateway).to.equal(5100);
    expect(portsFor({ offset: 100 })["payment-v2"]).to.equal(PAYMENT_V2_PORT + 100);
    expect(Object.values(portsFor("free"))).to.deep.equal(SHOP_PROCESSES.map(() => 0));
    expect(portsFor({ users: 9000 }).users).to.equal(9000);
    const levels = startLevels();
    const levelOf = (name: string) => levels.findIndex((level) => level.includes(name as never));
    for (const name of SERVICE_NAMES) for (const upstream of SERVICES[name].calls) expect(levelOf(upstream), `${upstream} before ${name}`).to.be.below(levelOf(name));
  });

  it("npm start's canary weight is the dev stack's default (meshmart:canaryWeight)", () => {
    expect(DEFAULT_CANARY_WEIGHT).to.equal(KEYS.canaryWeight.default);
  });
});
