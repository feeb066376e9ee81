/**
 * Runs the Pulumi program once, under mocks, for one stack, in a process of
 * its own (Pulumi's runtime state is per process), and writes every resource
 * registration (type, name, parent, provider, dependsOn, inputs with secrets
 * marked) and the stack outputs to a JSON file the tests read.
 *
 *   node --import tsx test/infra/support/run-stack.ts <stack> <out.json> [overrides-json] [--preview]
 *
 * Config comes from Pulumi.<stack>.yaml, as the CLI would pass it
 * (PULUMI_CONFIG), plus the overrides (a null deletes a key). With --preview
 * the run is `pulumi preview`'s: isPreview is true and what a provider
 * computes (digests, passwords, certificates, release status, ids) is
 * unknown; unknown values are recorded as {"$unknown": true}.
 * The mocks compute what they can for real (mock-providers.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { enableCompileCache } from "node:module";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { CACHE_ENV, reachedFile, reachedMutants } from "./mutant-run-cache";
import { COMPUTED_OUTPUTS, firstPoolAddress, imageRepoDigest, randomPassword, type PasswordInputs } from "./mock-providers";

const ROOT = resolve(__dirname, "../../..");
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** The mark of a value Pulumi does not know yet (preview). */
export const UNKNOWN = { $unknown: true } as const;

/** Replaces Pulumi's secret envelopes with {"$secret": value} and unknowns with {"$unknown": true}, so JSON keeps the facts. */
function mark(value: unknown): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isUnknown } = require("@pulumi/pulumi/output") as { isUnknown(v: unknown): boolean };
  if (isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(mark);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return { $secret: mark(o["value"]) };
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, mark(v)]));
  }
  return value;
}

export function stackConfig(stack: string, overrides: Record<string, string | null>): Record<string, string> {
  const file = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.config ?? {})) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete config[k];
    else config[k] = v;
  }
  return config;
}

async function resolveOutputs(value: unknown): Promise<unknown> {
  const pulumi = await import("@pulumi/pulumi");
  if (pulumi.Output.isInstance(value)) {
    const secret = await (value as unknown as { isSecret: Promise<boolean> }).isSecret;
    // An unknown Output never runs its apply callbacks (preview): record the fact instead of waiting.
    if (!(await (value as unknown as { isKnown: Promise<boolean> }).isKnown)) return secret ? { $secret: UNKNOWN } : UNKNOWN;
    const plain = await new Promise((done) => (value as { apply(f: (v: unknown) => void): unknown }).apply((v) => done(v)));
    const resolved = await resolveOutputs(plain);
    return secret ? { $secret: resolved } : resolved;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveOutputs(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

async function main(): Promise<void> {
  // Pulumi's runtime takes a stack trace for every promise it makes (runtime/debuggable.js), and tsx turns on
  // source maps, which map each frame back to TypeScript: about a tenth of a run's CPU. The run records errors
  // as messages, never stacks, so the frames stay unmapped here.
  process.setSourceMapsEnabled(false);
  // Every run loads the same modules (Pulumi's SDKs, protobuf, grpc, the program), all imported below: V8's code
  // cache on disk (NODE_COMPILE_CACHE's directory, else the system's temporary one) spares each run compiling them again.
  enableCompileCache();
  const args = process.argv.slice(2);
  const preview = args.includes("--preview");
  const [stack, out, overridesJson] = args.filter((a) => a !== "--preview");
  if (!stack || !out) throw new Error("usage: run-stack.ts <stack> <out.json> [overrides-json] [--preview]");
  const config = stackConfig(stack, JSON.parse(overridesJson ?? "{}") as Record<string, string | null>);
  process.env["PULUMI_CONFIG"] = JSON.stringify(config);
  process.env["PULUMI_CONFIG_SECRET_KEYS"] = JSON.stringify(
    ["meshmart:registryPassword", "meshmart:grafanaAdminPassword", "meshmart:redisPassword"].filter((k) => k in config),
  );

  const pulumi = await import("@pulumi/pulumi");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: Record<string, unknown> } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { deserializeProperties } = require("@pulumi/pulumi/runtime/rpc") as { deserializeProperties: (s: unknown) => unknown };
  const resources: unknown[] = [];
  const register = MockMonitor.prototype["registerResource"] as (this: unknown, req: any, cb: unknown) => Promise<void>;
  MockMonitor.prototype["registerResource"] = function (this: { newUrn(p: string, t: string, n: string): string }, req: any, cb: unknown) {
    resources.push({
      urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      provider: req.getProvider(),
      dependencies: req.getDependenciesList(),
      retainOnDelete: req.hasRetainondelete?.() ? req.getRetainondelete() : undefined,
      inputs: mark(deserializeProperties(req.getObject())),
    });
    return register.call(this, req, cb);
  };

  const pools: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state: Record<string, unknown> = { ...args.inputs };
        const inputs = args.inputs as Record<string, any>;
        if (args.type === "docker:index/image:Image") state["repoDigest"] = imageRepoDigest(ROOT, inputs as never);
        if (args.type === "random:index/randomPassword:RandomPassword") state["result"] = randomPassword(inputs as PasswordInputs);
        // @pulumi/tls: distinct placeholder PEMs per resource, so tests can follow each one.
        const pem = (label: string) => `-----BEGIN ${label}-----\nmock-${args.name}\n-----END ${label}-----\n`;
        if (args.type === "tls:index/privateKey:PrivateKey") Object.assign(state, { privateKeyPem: pem("PRIVATE KEY"), publicKeyPem: pem("PUBLIC KEY") });
        if (args.type === "tls:index/certRequest:CertRequest") state["certRequestPem"] = pem("CERTIFICATE REQUEST");
        if (args.type === "tls:index/selfSignedCert:SelfSignedCert" || args.type === "tls:index/locallySignedCert:LocallySignedCert") {
          state["certPem"] = pem("CERTIFICATE");
        }
        // MetalLB: a pool's first address goes to the first awaited LoadBalancer Service (pools are declared before it).
        if (args.type === "kubernetes:metallb.io/v1beta1:IPAddressPool") pools.push(...((inputs["spec"]?.["addresses"] as string[] | undefined) ?? []));
        if (args.type === "kubernetes:core/v1:Service" && inputs["spec"]?.["type"] === "LoadBalancer" && inputs["metadata"]?.["annotations"]?.["pulumi.com/skipAwait"] !== "true") {
          const ip = firstPoolAddress(pools);
          if (ip) state["status"] = { loadBalancer: { ingress: [{ ip }] } };
        }
        if (args.type === "kubernetes:helm.sh/v3:Release") {
          state["status"] = { name: inputs["name"], namespace: inputs["namespace"], chart: inputs["chart"], version: inputs["version"], status: "deployed" };
        }
        if (!preview) return { id: `${args.name}-id`, state };
        // Preview: no id and none of the computed outputs, which the runtime then resolves as unknown.
        for (const key of COMPUTED_OUTPUTS[args.type] ?? []) delete state[key];
        return { id: undefined, state };
      },
      call: (args) => args.inputs,
    },
    "meshmart",
    stack,
    preview,
  );

  const errors: string[] = [];
  process.on("unhandledRejection", (e) => errors.push(e instanceof Error ? e.message : String(e)));
  let outputs: unknown;
  try {
    process.chdir(ROOT);
    const program = (await import(join(ROOT, "index.ts"))) as Record<string, unknown>;
    outputs = await resolveOutputs(Object.fromEntries(Object.entries(program).filter(([k]) => k !== "default")));
    await pulumi.runtime.disconnect();
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  }
  writeFileSync(out, JSON.stringify({ stack, preview, config, resources, outputs, errors }, null, 1));
  // In a mutation run: which mutants this run's code reached, so runs that never reach a mutant can be reused (mutant-run-cache.ts).
  if (process.env[CACHE_ENV]) writeFileSync(reachedFile(out), JSON.stringify(reachedMutants()));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
