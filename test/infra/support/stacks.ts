/**
 * The program's runs under mocks, one child process each (see run-stack.ts),
 * started together on first use and shared by every infra test file. In a
 * mutation run each starts on its own first use, and a run the active mutant
 * cannot change is reused from the dry run (mutant-run-cache.ts).
 */
import { execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { REDIS_SERVICE_USERS } from "../../../services/redis-acl";
import { MutantRunCache, reachedFile } from "./mutant-run-cache";

const ROOT = resolve(__dirname, "../../..");

export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly provider: string;
  readonly dependencies: string[];
  /** The retainOnDelete option as registered (absent: not set). */
  readonly retainOnDelete?: boolean;
  readonly inputs: any;
}

export interface StackRun {
  readonly stack: string;
  /** A `pulumi preview` run: provider-computed outputs were unknown ({"$unknown": true}). */
  readonly preview: boolean;
  readonly config: Record<string, string>;
  readonly resources: Registration[];
  readonly outputs: any;
  readonly errors: string[];
}

/** An external Redis's passwords, one per ACL user of the services (`ext-<user>-pw`). */
const EXTERNAL_REDIS_PASSWORDS = JSON.stringify(Object.fromEntries(REDIS_SERVICE_USERS.map((user) => [user, `ext-${user}-pw`])));

/** Values the stack files cannot hold (secrets) or that must not run here (the bundler). */
const TEST_OVERRIDES = { "meshmart:bundle": "false" };

/** Every run the suites use: the three stacks from their own files, and variants of dev. */
export const VARIANTS = {
  dev: { stack: "dev", overrides: { "meshmart:redisPassword": "test-redis-password" } },
  istio: { stack: "istio", overrides: {} },
  linkerd: { stack: "linkerd", overrides: {} },
  /** A local cluster without a registry, monitoring or metrics-server. */
  devLocal: {
    stack: "dev",
    overrides: { "meshmart:imagePush": "false", "meshmart:monitoring": "false", "meshmart:metricsServer": "false", "meshmart:imageTag": "local", "meshmart:imagePlatform": "linux/arm64" },
  },
  /** A registry with credentials, a cloud LoadBalancer, the edge's certificate by cert-manager, and a base image mirror. */
  devCloud: {
    stack: "dev",
    overrides: {
      "meshmart:registryServer": "registry.example.test:443",
      "meshmart:registryUsername": "ci",
      "meshmart:registryPassword": "test-registry-password",
      "meshmart:grafanaAdminPassword": "test-grafana-password",
      "meshmart:ingressServiceType": "LoadBalancer",
      "meshmart:ingressHost": "shop.example.test",
      "meshmart:baseImage": "mirror.example.test/node:24-slim",
      "meshmart:canaryWeight": "50",
      "meshmart:metricsServer": "true",
      "meshmart:edgeTls": "cert-manager",
    },
  },
  /** Istio with another canary weight, a longer upstream timeout, a quarter of the traces sampled, and a LoadBalancer given its address by MetalLB. */
  istioCanary: {
    stack: "istio",
    overrides: {
      "meshmart:canaryWeight": "20",
      "meshmart:upstreamTimeoutMs": "3000",
      "meshmart:tracingSampleRatio": "0.25",
      "meshmart:ingressServiceType": "LoadBalancer",
      "meshmart:loadBalancer": "metallb",
      "meshmart:loadBalancerAddresses": "172.18.255.200-172.18.255.250",
    },
  },
  /** Linkerd with all payments on v2 and no monitoring (no Prometheus identity anywhere; tracing follows monitoring: off). */
  linkerdCanary: { stack: "linkerd", overrides: { "meshmart:canaryWeight": "100", "meshmart:monitoring": "false", "meshmart:gatewayApiCrds": "false" } },
  /** An external (managed) Redis over TLS, its users' passwords a secret, and a larger maxmemory. */
  devExternalRedis: {
    stack: "dev",
    overrides: {
      "meshmart:redisExternalUrl": "redis.example.test:6380",
      "meshmart:redisExternalCidr": "203.0.113.10/32",
      "meshmart:redisExternalPasswords": EXTERNAL_REDIS_PASSWORDS,
      "meshmart:redisMaxmemory": "1gb",
      // Tracing off although monitoring is on.
      "meshmart:tracing": "false",
    },
  },
  /** The meshes with the same external Redis: egress to it through the namespace boundary (and Istio's registry). */
  istioExternalRedis: {
    stack: "istio",
    overrides: {
      "meshmart:tracing": "false",
      "meshmart:redisExternalUrl": "redis.example.test:6380",
      "meshmart:redisExternalCidr": "203.0.113.10/32",
      "meshmart:redisExternalPasswords": EXTERNAL_REDIS_PASSWORDS,
    },
  },
  linkerdExternalRedis: {
    stack: "linkerd",
    overrides: {
      "meshmart:redisExternalUrl": "redis.example.test:6380",
      "meshmart:redisExternalCidr": "203.0.113.10/32",
      "meshmart:redisExternalPasswords": EXTERNAL_REDIS_PASSWORDS,
    },
  },
  /** The Gateway API edge (docs/edge.md), per implementation. Istio's GatewayClass: HTTPS with the program's certificate on fixed node ports, the load generator its client in HTTPS. */
  istioGatewayApi: { stack: "istio", overrides: { "meshmart:edge": "gateway-api", "meshmart:loadGenerator": "true" } },
  /** The same edge in plain HTTP behind a ClusterIP Service, with the load generator as its client. */
  istioGatewayApiPlain: {
    stack: "istio",
    overrides: { "meshmart:edge": "gateway-api", "meshmart:edgeTls": "off", "meshmart:ingressServiceType": "ClusterIP", "meshmart:loadGenerator": "true" },
  },
  /** Istio's Gateway in plain HTTP (edgeTls off) on the fixed node ports: one listener, one node port. */
  istioGatewayApiHttp: { stack: "istio", overrides: { "meshmart:edge": "gateway-api", "meshmart:edgeTls": "off" } },
  /** Envoy Gateway in Linkerd's mesh in plain HTTP (edgeTls off) on the fixed node ports: one listener, one node port, one skipped port. */
  linkerdGatewayApiHttp: { stack: "linkerd", overrides: { "meshmart:edge": "gateway-api", "meshmart:edgeTls": "off" } },
  /** Envoy Gateway without a mesh: cert-manager's certificate for a host, behind a cloud LoadBalancer. */
  devGatewayApi: {
    stack: "dev",
    overrides: { "meshmart:edge": "gateway-api", "meshmart:edgeTls": "cert-manager", "meshmart:ingressServiceType": "LoadBalancer", "meshmart:ingressHost": "shop.example.test" },
  },
  /** Envoy Gateway's proxies in Linkerd's mesh, HTTPS with the program's certificate on fixed node ports, with the load generator (in HTTPS). */
  linkerdGatewayApi: { stack: "linkerd", overrides: { "meshmart:edge": "gateway-api", "meshmart:loadGenerator": "true" } },
  /**
   * Flagger rolling payment out (meshmart:canary flagger), with what it needs: monitoring (on in the
   * stack files), the load generator (in HTTPS to the edge, TLS on by default), no injected payment
   * timeouts (a rollout that can promote); in the istio stack with Kiali too.
   */
  istioFlagger: {
    stack: "istio",
    overrides: { "meshmart:canary": "flagger", "meshmart:loadGenerator": "true", "meshmart:paymentTimeoutRate": "0", "meshmart:kiali": "true" },
  },
  linkerdFlagger: {
    stack: "linkerd",
    overrides: { "meshmart:canary": "flagger", "meshmart:loadGenerator": "true", "meshmart:paymentTimeoutRate": "0" },
  },
  /** Bad config: the program must stop with the keys named. */
  badMesh: { stack: "dev", overrides: { "meshmart:mesh": "istoi", "meshmart:replicas": "1" } },
} as const;

export type Variant = keyof typeof VARIANTS;

/**
 * `pulumi preview` of each stack (isPreview true, as in CI): the same config
 * as its update run, with what providers compute left unknown. Kept apart
 * from VARIANTS because their objects hold unknowns ({"$unknown": true}).
 */
export const PREVIEWS = {
  devPreview: { of: "dev" },
  istioPreview: { of: "istio" },
  linkerdPreview: { of: "linkerd" },
} as const satisfies Record<string, { of: Variant }>;

export type Preview = keyof typeof PREVIEWS;

const exec = promisify(execFile);

/** Runs still going (and their directories), ended if mocha exits first (a mutation run's first failure: .mocharc.cjs). */
const live = new Map<ChildProcess, string>();
process.once("exit", () => {
  for (const [child, dir] of live) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

/** One run of the child (run-stack.ts): its arguments but the output file. */
async function spawnRun(args: readonly string[]): Promise<{ result: string; reached: string | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), "meshmart-run-"));
  try {
    const out = join(dir, "run.json");
    const [stack, ...rest] = args;
    const running = exec(process.execPath, ["--import", "tsx", join(ROOT, "test/infra/support/run-stack.ts"), stack!, out, ...rest], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    });
    live.set(running.child, dir);
    await running.finally(() => live.delete(running.child));
    return { result: readFileSync(out, "utf8"), reached: existsSync(reachedFile(out)) ? readFileSync(reachedFile(out), "utf8") : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In a mutation run: each distinct run's result, once per mocha process (every caller parses its own copy). */
const mutationRuns = new Map<string, Promise<string>>();

/** Made (or, under a mutation run, reused: mutant-run-cache.ts) once per key. */
function mutationRun(cache: MutantRunCache, args: readonly string[]): Promise<string> {
  const key = MutantRunCache.key(args);
  let text = mutationRuns.get(key);
  if (!text) {
    const reused = cache.reuse(key);
    text = reused !== undefined
      ? Promise.resolve(reused)
      : spawnRun(args).then(({ result, reached }) => {
          if (reached !== undefined) cache.record(key, result, reached);
          return result;
        });
    mutationRuns.set(key, text);
  }
  return text;
}

/**
 * The program under mocks for a stack (its Pulumi.<stack>.yaml, the test
 * overrides, then `overrides`), in a child process of its own (run-stack.ts);
 * with `preview`, as `pulumi preview`.
 */
export async function runStack(stack: string, overrides: Readonly<Record<string, string>>, preview = false): Promise<StackRun> {
  const args = [stack, JSON.stringify({ ...TEST_OVERRIDES, ...overrides }), ...(preview ? ["--preview"] : [])];
  const cache = MutantRunCache.fromEnv(ROOT);
  const text = cache ? await mutationRun(cache, args) : (await spawnRun(args)).result;
  return JSON.parse(text) as StackRun;
}

const variantRuns = new Map<Variant, Promise<StackRun>>();
function variantRun(variant: Variant): Promise<StackRun> {
  let r = variantRuns.get(variant);
  if (!r) {
    r = runStack(VARIANTS[variant].stack, VARIANTS[variant].overrides);
    variantRuns.set(variant, r);
  }
  return r;
}

let runs: Promise<Record<Variant, StackRun>> | undefined;

/** All runs, started in parallel once per mocha process. */
export function allRuns(): Promise<Record<Variant, StackRun>> {
  runs ??= (async () => {
    const names = Object.keys(VARIANTS) as Variant[];
    const results = await Promise.all(names.map(variantRun));
    return Object.fromEntries(names.map((v, i) => [v, results[i]!])) as Record<Variant, StackRun>;
  })();
  return runs;
}

/**
 * One variant's run. In `npm test` the first call starts them all; in a
 * mutation run only this one, so a test that kills the mutant (mocha --bail)
 * stops the run before the others are made.
 */
export async function run(variant: Variant): Promise<StackRun> {
  if (MutantRunCache.fromEnv(ROOT)) return variantRun(variant);
  return (await allRuns())[variant];
}

let previews: Promise<Record<Preview, StackRun>> | undefined;

/** The preview runs, started in parallel on first use. */
export function previewRuns(): Promise<Record<Preview, StackRun>> {
  previews ??= (async () => {
    const names = Object.keys(PREVIEWS) as Preview[];
    const results = await Promise.all(names.map((p) => runStack(VARIANTS[PREVIEWS[p].of].stack, VARIANTS[PREVIEWS[p].of].overrides, true)));
    return Object.fromEntries(names.map((p, i) => [p, results[i]!])) as Record<Preview, StackRun>;
  })();
  return previews;
}

/** Whether a recorded value is Pulumi's unknown (a preview's computed output). */
export function isUnknown(value: unknown): boolean {
  return !!value && typeof value === "object" && (value as { $unknown?: unknown }).$unknown === true;
}

/** Paths (a.b[0].c) of every unknown inside a recorded value. */
export function unknownPaths(value: unknown, path = ""): string[] {
  if (isUnknown(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, path ? `${path}.${k}` : k));
  return [];
}

/** Strips the {"$secret": …} marks, for validation and value checks. */
export function reveal<T = any>(value: unknown): T {
  if (Array.isArray(value)) return value.map(reveal) as T;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("$secret" in o && Object.keys(o).length === 1) return reveal(o["$secret"]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, reveal(v)])) as T;
  }
  return value as T;
}

/** The JSON of a value with every secret left out: what would be stored in plain text. */
export function plainText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (isSecret(v) ? "[secret]" : v));
}

export function isSecret(value: unknown): boolean {
  return !!value && typeof value === "object" && "$secret" in (value as object);
}

/** Registrations of a Pulumi type token. */
export function ofType(r: StackRun, type: string): Registration[] {
  return r.resources.filter((x) => x.type === type);
}

/** Kubernetes objects of a kind (revealed inputs), e.g. kind("Deployment"). */
export function objects(r: StackRun, kind: string): any[] {
  return r.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type.endsWith(`:${kind}`)).map((x) => reveal(x.inputs));
}

export function byUrn(r: StackRun): Map<string, Registration> {
  return new Map(r.resources.map((x) => [x.urn, x]));
}

/** Every direct dependency of a registration, including those its ancestors' dependsOn imposes. */
export function directDependencies(r: StackRun, x: Registration): string[] {
  const urns = byUrn(r);
  const out: string[] = [];
  for (let cur: Registration | undefined = x; cur; cur = urns.get(cur.parent)) out.push(...cur.dependencies);
  return out;
}

/** Everything `x` waits for, transitively (through dependencies and its ancestors' dependencies). */
export function transitiveDependencies(r: StackRun, x: Registration): Set<string> {
  const urns = byUrn(r);
  const seen = new Set<string>();
  const queue = [...directDependencies(r, x)];
  while (queue.length > 0) {
    const urn = queue.pop()!;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const dep = urns.get(urn);
    if (dep) queue.push(...directDependencies(r, dep));
  }
  return seen;
}
