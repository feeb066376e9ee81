/**
 * The pack as the Pulumi engine starts it: @pulumi/pulumi's own
 * run-policy-pack (ts-node over policy/pack.ts, found through
 * policy/package.json's main) in the pack's directory, which serves the
 * Analyzer gRPC service on 127.0.0.1 and prints its port. The test is the
 * engine's side of two calls: GetAnalyzerInfo (the policies, their levels
 * and config schemas, as docs/policy.md lists them) and Analyze (a
 * privileged Deployment gets a mandatory diagnostic, a hardened one none
 * from that policy).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { expect } from "chai";

const ROOT = resolve(__dirname, "../..");
const PULUMI = dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [PULUMI] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb.js");
const pb = require(join(PULUMI, "proto/analyzer_pb.js"));
const { AnalyzerClient } = require(join(PULUMI, "proto/analyzer_grpc_pb.js"));

/** docs/policy.md's table: | `name` | level | … */
function documentedLevels(): Map<string, string> {
  const doc = readFileSync(join(ROOT, "docs/policy.md"), "utf8");
  return new Map([...doc.matchAll(/^\| `([a-z0-9-]+)` \| (mandatory|advisory|disabled) \|/gm)].map((m) => [m[1]!, m[2]!]));
}

const call = <T>(client: any, method: string, request: unknown): Promise<T> =>
  new Promise((done, fail) => client[method](request, (err: Error | null, res: T) => (err ? fail(err) : done(res))));

function deployment(privileged: boolean): unknown {
  const securityContext = { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "elsewhere" },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: `example.test/web@sha256:${"a".repeat(64)}`, securityContext }] } } },
  };
}

function analyzeRequest(props: unknown): unknown {
  const req = new pb.AnalyzeRequest();
  req.setType("kubernetes:apps/v1:Deployment");
  req.setName("web");
  req.setUrn("urn:pulumi:test::meshmart::kubernetes:apps/v1:Deployment::web");
  req.setProperties(Struct.fromJavaScript(props));
  req.setOptions(new pb.AnalyzerResourceOptions());
  return req;
}

describe("policy pack served as the engine runs it (run-policy-pack, gRPC on 127.0.0.1)", function () {
  this.timeout(120_000);
  let pack: ChildProcess | undefined;
  let client: any;

  before(async () => {
    pack = spawn(process.execPath, [join(PULUMI, "cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: join(ROOT, "policy"), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    pack.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<string>((done, fail) => {
      let out = "";
      pack!.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) done(m[1]!);
      });
      pack!.on("exit", (code) => fail(new Error(`the pack exited (${code}) before serving:\n${stderr}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    pack?.kill();
  });

  it("lists every policy with the level docs/policy.md gives it, and the config schemas", async () => {
    const info = await call<any>(client, "getAnalyzerInfo", new Empty());
    expect(info.getName()).to.equal("meshmart");
    const levels = ["advisory", "mandatory", "disabled", "remediate"];
    const served = new Map<string, string>(info.getPoliciesList().map((p: any) => [p.getName(), levels[p.getEnforcementlevel()]!]));
    expect(served.size).to.be.greaterThan(0);
    expect(served).to.deep.equal(documentedLevels());
    const schema = info.getPoliciesList().find((p: any) => p.getName() === "no-load-balancer").getConfigschema().getProperties().toJavaScript();
    expect(schema.allowLoadBalancer).to.deep.include({ type: "boolean", default: false });
  });

  it("Analyze: a privileged Deployment gets a mandatory container-hardening diagnostic naming it; a hardened one none", async () => {
    const bad = await call<any>(client, "analyze", analyzeRequest(deployment(true)));
    const diags = bad.getDiagnosticsList().filter((d: any) => d.getPolicyname() === "container-hardening");
    expect(diags).to.have.length(1);
    expect(diags[0].getEnforcementlevel()).to.equal(pb.EnforcementLevel.MANDATORY);
    expect(diags[0].getMessage()).to.match(/Deployment elsewhere\/web .*privileged is true.*Fix:/);
    const good = await call<any>(client, "analyze", analyzeRequest(deployment(false)));
    expect(good.getDiagnosticsList().filter((d: any) => d.getPolicyname() === "container-hardening")).to.deep.equal([]);
  });
});
