/**
 * Adding a service edits four files (docs/architecture.md, "Adding a
 * service"): services/topology.ts, the service's own folder, the gateway's
 * public routes when it is public, and the storefront when it has a UI. This
 * test does it, in a copy of the repository: a throwaway "reviews" service
 * that the gateway calls, that keeps state in Redis (its own ACL user, as the
 * topology grants it), with a public route and no UI. Besides those files
 * it edits only the statement of intent the authorization tests hold the
 * program to (test/infra/fixtures/intended-graph.ts). Then, in the copy:
 *
 * - the whole repository compiles, its tests included;
 * - the infrastructure suites and the derivation unit tests pass unedited,
 *   for every stack variant: they count and check from the topology;
 * - every stack declares the new service's image, Deployment, Service, HPA,
 *   PDB, ServiceMonitor, NetworkPolicy and mesh policies;
 * - the local shop (`npm start`'s launcher) runs it, and the gateway serves
 *   its public route.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { waitFor } from "../support/wait";
import { objects, ofType, reveal, type StackRun } from "./support/stacks";

const exec = promisify(execFile);
const ROOT = resolve(__dirname, "../..");
const NEW = { name: "reviews", port: 5405 } as const;

/** Replaces `anchor` in a file of the copy, failing loudly when the file no longer has it (the guide is then out of date). */
function edit(copy: string, file: string, anchor: string, replacement: string): void {
  const path = join(copy, file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(anchor)) throw new Error(`${file} no longer contains ${JSON.stringify(anchor)}: update this test and docs/architecture.md's guide`);
  writeFileSync(path, text.replace(anchor, replacement));
}

/** The repository as it stands (tracked and new files, not ignored ones), with this checkout's node_modules. */
async function copyOfRepository(): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), "meshmart-add-a-service-"));
  const { stdout } = await exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  for (const file of stdout.split("\0").filter(Boolean)) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(copy, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // deleted in the work tree, not yet in git
    }
  }
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
  return copy;
}

/** The four edits of the guide (three here: reviews has no UI), and the intent. */
function addReviews(copy: string): void {
  const { name, port } = NEW;
  // 1. services/topology.ts: the service, its port, who calls it and what they may ask.
  edit(copy, "services/topology.ts", `  "notifications",\n] as const;`, `  "notifications",\n  "${name}",\n] as const;`);
  edit(copy, "services/topology.ts", `GATEWAY_UPSTREAMS = ["catalog", "cart", "orders", "users"]`, `GATEWAY_UPSTREAMS = ["catalog", "cart", "orders", "users", "${name}"]`);
  edit(
    copy,
    "services/topology.ts",
    `    waits: [],\n  },\n} as const`,
    `    waits: [],\n  },\n  ${name}: { port: ${port}, calls: [], redis: { keys: ["${name}:*"], commands: ["get"] }, versions: ["v1"], public: false, waits: [] },\n} as const`,
  );
  edit(copy, "services/topology.ts", `  gateway: {\n    catalog:`, `  gateway: {\n    ${name}: [op("GET", "/${name}", "prefix")],\n    catalog:`);
  edit(copy, "services/topology.ts", `  notifications: {},\n};`, `  notifications: {},\n  ${name}: {},\n};`);
  // 2. the service's folder.
  mkdirSync(join(copy, "services", name));
  writeFileSync(
    join(copy, "services", name, `${name}-main.ts`),
    [
      `import { createServiceApp } from "../kit/service-app";`,
      `import { runService } from "../kit/run";`,
      ``,
      `void runService("${name}", ({ kit, redis }) => {`,
      `  const store = redis();`,
      `  return {`,
      `    app: createServiceApp(kit, {`,
      `      routes: (app) =>`,
      `        app.get("/${name}/:productId", async (c) => {`,
      `          const saved = await store.get(\`${name}:\${c.req.param("productId")}\`);`,
      `          return c.json({ product_id: c.req.param("productId"), reviews: saved === null ? [] : JSON.parse(saved) });`,
      `        }),`,
      `    }),`,
      `  };`,
      `});`,
      ``,
    ].join("\n"),
  );
  // 3. the gateway's public routes.
  edit(copy, "services/gateway/public-api.ts", `  { method: "GET", path: "/api/users/:id", upstream: "users" },\n];`, `  { method: "GET", path: "/api/users/:id", upstream: "users" },\n  { method: "GET", path: "/api/${name}/:productId", upstream: "${name}" },\n];`);
  // The intent the authorization tests hold the program to.
  edit(copy, "test/infra/fixtures/intended-graph.ts", `"gateway->users",`, `"gateway->users", "gateway->${name}",`);
  edit(copy, "test/infra/fixtures/intended-graph.ts", `"notifications->redis",`, `"notifications->redis", "${name}->redis",`);
}

/** Runs the copy's program under mocks for a stack (test/infra/support/run-stack.ts). */
async function runStack(copy: string, stack: string): Promise<StackRun> {
  const out = join(copy, `${stack}.json`);
  await exec(process.execPath, ["--import", "tsx", "test/infra/support/run-stack.ts", stack, out, JSON.stringify({ "meshmart:bundle": "false", "meshmart:redisPassword": "test-redis-password" })], {
    cwd: copy,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(readFileSync(out, "utf8")) as StackRun;
}

describe("adding a service: the topology, its folder and the gateway's routes, and every stack derives the rest", function () {
  this.timeout(600_000);
  let copy: string;
  const launched: ChildProcess[] = [];

  before(async () => {
    copy = await copyOfRepository();
    addReviews(copy);
  });
  after(() => {
    for (const child of launched) if (child.exitCode === null) child.kill("SIGKILL");
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it("compiles, the whole repository with its tests", async () => {
    const result = await exec(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: copy, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    expect(result.stdout).to.equal("");
  });

  it("passes the infrastructure suites and the derivation unit tests unedited, for every stack variant", async () => {
    const suites = readdirSync(join(copy, "test/infra"))
      .filter((f) => f.endsWith(".test.ts") && f !== "add-a-service.test.ts")
      .map((f) => `test/infra/${f}`);
    const spec = [...suites, "infra/**/*.test.ts", "stacks/**/*.test.ts", "services/*.test.ts", "services/gateway/*.test.ts", "test/services/cluster-checks.test.ts"].join(",");
    const run = await exec(process.execPath, [join(ROOT, "node_modules/mocha/bin/mocha.js")], {
      cwd: copy,
      env: { ...process.env, MOCHA_SPEC: spec },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ""}\n${error.stderr ?? ""}` }));
    const summary = /(\d+) passed, (\d+) failed/.exec(run.stdout);
    expect(summary, run.stdout.slice(-4_000)).to.not.equal(null);
    expect(Number(summary![2]), run.stdout.slice(-8_000)).to.equal(0);
    expect(Number(summary![1])).to.be.greaterThan(300);
  });

  for (const stack of ["dev", "istio", "linkerd"]) {
    it(`${stack}: declares the new service's image, workload, autoscaling, disruption budget, scrape and policies`, async () => {
      const r = await runStack(copy, stack);
      expect(r.errors).to.deep.equal([]);
      const named = (kind: string) => objects(r, kind).filter((o) => o.metadata.name === NEW.name);
      const image = ofType(r, "docker:index/image:Image").find((i) => i.inputs.build.args.SERVICE === NEW.name);
      expect(image?.inputs.build.args.PORT).to.equal(String(NEW.port));
      const [deployment] = named("Deployment");
      expect(deployment.spec.template.spec.containers[0].ports[0].containerPort).to.equal(NEW.port);
      expect(named("Service")[0].spec.ports[0].port).to.equal(NEW.port);
      expect(objects(r, "HorizontalPodAutoscaler").map((h) => h.spec.scaleTargetRef.name)).to.include(NEW.name);
      expect(objects(r, "PodDisruptionBudget").map((p) => p.spec.selector.matchLabels.app)).to.include(NEW.name);
      expect(JSON.stringify(objects(r, "ServiceMonitor"))).to.contain(`"${NEW.name}"`);
      const gatewayEnv = Object.fromEntries(reveal<any[]>(objects(r, "Deployment").find((d) => d.metadata.name === "gateway").spec.template.spec.containers[0].env).map((e) => [e.name, e.value]));
      expect(gatewayEnv["REVIEWS_URL"]).to.match(new RegExp(`^http://reviews[.:].*${NEW.port}$`));
      const policies = { dev: "NetworkPolicy", istio: "AuthorizationPolicy", linkerd: "Server" }[stack]!;
      expect(objects(r, policies).map((p) => p.metadata.name).join(" "), policies).to.contain(NEW.name);
      const env = Object.fromEntries(reveal<any[]>(deployment.spec.template.spec.containers[0].env).map((e) => [e.name, e]));
      expect(env["REDIS_PASSWORD"]?.valueFrom?.secretKeyRef?.key, "its own Redis ACL user").to.equal(`${NEW.name}-password`);
    });
  }

  it("runs in the local shop (the launcher), and the gateway serves its public route", async () => {
    const dist = join(copy, "dist-test");
    await exec(process.execPath, ["scripts/build.mjs"], { cwd: copy, env: { ...process.env, MESHMART_DIST_DIR: dist } });
    const child = spawn(process.execPath, [join(dist, "launcher.mjs")], { cwd: copy, env: { PATH: process.env.PATH, SHOP_PORTS: "free" } });
    launched.push(child);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitFor("the launcher's banner", () => output.includes("Ctrl-C stops everything.") || child.exitCode !== null, { timeoutMs: 60_000 });
    const urls = Object.fromEntries([...output.matchAll(/^ {2}([\w-]+)\s+(http:\/\/\S+)\s+pid \d+/gm)].map((m) => [m[1]!, m[2]!]));
    expect(urls, output).to.have.property(NEW.name);
    const answer = await fetch(`${urls["gateway"]}/api/${NEW.name}/7`);
    expect(answer.status, output).to.equal(200);
    expect(await answer.json()).to.deep.equal({ product_id: "7", reviews: [] });
    expect((await fetch(`${urls["gateway"]}/api/${NEW.name}`)).status, "only the route the gateway publishes").to.equal(404);
    child.kill("SIGTERM");
    await new Promise((done) => child.once("exit", done));
  });
});
