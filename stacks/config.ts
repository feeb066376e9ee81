/**
 * The stack's configuration: every key, its meaning, its default (suited to a
 * local kind/minikube cluster) and its validation, in one table. Only index.ts
 * and stacks/ read it; the building blocks in infra/ take typed arguments.
 *
 * `parseConfig` is pure (tested without Pulumi); `loadConfig` feeds it from the
 * stack's config and reads the three secrets as Pulumi secrets, which are never
 * parsed, logged or kept in plain text.
 */
import * as pulumi from "@pulumi/pulumi";
import { MAXMEMORY_CEILING, memoryBytes } from "../infra/redis/redis-spec";
import { REDIS_SERVICE_USERS } from "../services/redis-acl";

export const PROJECT = "meshmart";
export const MESHES = ["none", "istio", "linkerd"] as const;
export type Mesh = (typeof MESHES)[number];
export const INGRESS_SERVICE_TYPES = ["NodePort", "LoadBalancer", "ClusterIP"] as const;
export type IngressServiceType = (typeof INGRESS_SERVICE_TYPES)[number];
/** How the edge serves HTTPS (docs/cluster.md#https-at-the-edge). */
export const EDGE_TLS_MODES = ["off", "self-signed", "cert-manager"] as const;
export type EdgeTlsMode = (typeof EDGE_TLS_MODES)[number];
/** What gives a LoadBalancer Service its address: the cluster's own (a cloud), or MetalLB installed by the program. */
export const LOAD_BALANCERS = ["none", "metallb"] as const;
export type LoadBalancerKind = (typeof LOAD_BALANCERS)[number];
/** What serves the public edge: the card's ingress-nginx, or the Gateway API (docs/edge.md). */
export const EDGES = ["ingress-nginx", "gateway-api"] as const;
export type EdgeKind = (typeof EDGES)[number];
/** How payment's canary is run: a static split by canaryWeight, or Flagger's progressive delivery (mesh stacks; docs/meshes.md). */
export const CANARY_MODES = ["static", "flagger"] as const;
export type CanaryKind = (typeof CANARY_MODES)[number];
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A key as Pulumi.yaml declares it (type is Pulumi's: string, integer, boolean). */
export interface KeySpec {
  readonly type: "string" | "integer" | "boolean";
  readonly description: string;
  /** Absent: the key is optional and has no default (or a computed one). */
  readonly default?: string | number | boolean;
  readonly secret?: true;
}

/** Every configuration key of the project (namespace `meshmart:`). */
export const KEYS = {
  kubeconfig: { type: "string", description: "Kubeconfig (path or contents) for the Kubernetes provider; unset: $KUBECONFIG or ~/.kube/config." },
  kubeContext: { type: "string", description: "Kubeconfig context to use; unset: the current context." },
  namespace: { type: "string", default: "meshmart", description: "Namespace of the shop's workloads (a DNS label)." },
  mesh: { type: "string", default: "none", description: "Service mesh: none (dev), istio or linkerd." },
  registryServer: { type: "string", default: "localhost:5001", description: "Registry the images are pushed to and pulled from (kind's local-registry recipe listens on localhost:5001)." },
  registryUsername: { type: "string", description: "Registry user; unset for an anonymous local registry." },
  registryPassword: { type: "string", secret: true, description: "Registry password (secret); required when imagePush is on and registryUsername is set." },
  imageRepository: { type: "string", default: "meshmart", description: "Repository path under the registry: images are <registryServer>/<imageRepository>/<service>:<imageTag>." },
  imageTag: { type: "string", default: "latest", description: "Image tag. Deployments use the pushed digest, so a rebuilt image rolls out even under the same tag." },
  imagePush: { type: "boolean", default: true, description: "Push the images. Off: keep them local (minikube docker-env, or `kind load docker-image`); Deployments then use the tag." },
  imagePlatform: { type: "string", description: "Platform the images are built for; unset: the building machine's, linux/<arch> (amd64 or arm64)." },
  baseImage: { type: "string", description: "BASE_IMAGE build argument (a Node runtime image or a mirror of it); unset: the Dockerfile's default." },
  bundle: { type: "boolean", default: true, description: "Run the bundler (npm run build) before building images, so they ship the current source." },
  replicas: { type: "integer", default: 2, description: "Replicas of each Deployment, and the autoscaler's minimum (at least 2)." },
  maxReplicas: { type: "integer", default: 10, description: "Autoscaler maximum per Deployment." },
  targetCpuUtilization: { type: "integer", default: 70, description: "Autoscaler target: average CPU utilization, percent of requests." },
  canaryWeight: { type: "integer", default: 5, description: "Percent of payment traffic sent to v2 (0-100)." },
  canary: { type: "string", default: "static", description: "payment's canary: static (v1 and v2 split by canaryWeight) or flagger (istio and linkerd: Flagger rolls out each new payment image, stepping its weight to 50% while the success rate and latency hold, else rolling back; canaryWeight is then unused; needs monitoring and loadGenerator; docs/meshes.md)." },
  catalogErrorRate: { type: "string", default: "0", description: "Injected fault: share (0-1) of catalog requests answered 500." },
  paymentDeclineRate: { type: "string", default: "0", description: "Injected fault: share (0-1) of payments declined." },
  paymentTimeoutRate: { type: "string", default: "0", description: "Injected fault: share (0-1) of payments that hang past the caller's timeout." },
  upstreamTimeoutMs: { type: "integer", default: 2000, description: "Budget of a call to a leaf service (users, catalog, notifications), in milliseconds; every other hop's timeout is derived from it so that each covers what it waits on (docs/meshes.md)." },
  upstreamRetries: { type: "integer", description: "Retries of idempotent GETs by the services; unset: 1 without a mesh, 0 in a mesh (the mesh retries)." },
  logLevel: { type: "string", default: "info", description: "Services' log level: debug, info, warn or error." },
  ingressHost: { type: "string", default: "", description: "Host the Ingress answers for; empty: any host." },
  ingressClass: { type: "string", default: "nginx", description: "IngressClass of the installed ingress-nginx." },
  ingressServiceType: { type: "string", default: "NodePort", description: "ingress-nginx Service type: NodePort (kind/minikube), LoadBalancer (a cloud's, not awaited; or MetalLB's with loadBalancer metallb, awaited) or ClusterIP (port-forward)." },
  ingressRateLimitRps: { type: "integer", default: 20, description: "Requests a second each client address may make through the edge (per controller replica; burst 5x); beyond: 503." },
  ingressConnectionLimit: { type: "integer", default: 50, description: "Concurrent connections each client address may hold at the edge (per controller replica)." },
  ingressNodePort: { type: "integer", default: 30080, description: "HTTP node port of ingress-nginx when ingressServiceType is NodePort (30000-32767)." },
  ingressHttpsNodePort: { type: "integer", default: 30443, description: "HTTPS node port of ingress-nginx when ingressServiceType is NodePort (30000-32767, not ingressNodePort)." },
  edge: { type: "string", default: "ingress-nginx", description: "What serves the public edge: ingress-nginx (the card's, retired upstream in 2026) or gateway-api (a Gateway and HTTPRoutes: Istio's own GatewayClass in the istio stack, Envoy Gateway installed by the program in dev and linkerd; docs/edge.md)." },
  edgeTls: { type: "string", default: "self-signed", description: "HTTPS at the edge: self-signed (a certificate the program makes), cert-manager (installs cert-manager; a Certificate from its own ClusterIssuer) or off (HTTP only). On: HTTP redirects to HTTPS and HSTS is sent." },
  loadBalancer: { type: "string", default: "none", description: "What gives the LoadBalancer Service its address: none (the cloud's controller) or metallb (installed by the program, L2 mode; needs ingressServiceType LoadBalancer and loadBalancerAddresses)." },
  loadBalancerAddresses: { type: "string", description: "MetalLB's address pool: comma-separated CIDRs or first-last ranges (e.g. 172.18.255.200-172.18.255.250); required with loadBalancer metallb." },
  loadGenerator: { type: "boolean", default: false, description: "Deploy the load generator: simulated shoppers (browse, view, add, remove, checkout) through the edge, so the dashboards and the canary comparison show live data (docs/observability.md). With edgeTls self-signed it calls the edge in HTTPS and verifies the program's certificate; edgeTls cert-manager is refused (docs/edge.md)." },
  loadGeneratorRate: { type: "integer", default: 5, description: "Requests a second the load generator offers the edge, open loop (1 up to ingressRateLimitRps: the edge limits each client address)." },
  monitoring: { type: "boolean", default: true, description: "Install kube-prometheus-stack, ServiceMonitors, dashboards and alert rules." },
  monitoringNamespace: { type: "string", default: "monitoring", description: "Namespace of kube-prometheus-stack." },
  tracing: { type: "boolean", description: "Install the tracing backend (Jaeger, in the namespace tracing), point the services and the mesh's proxies at it, and add it to Grafana; unset: on when monitoring is on." },
  tracingSampleRatio: { type: "string", default: "1", description: "Share (0-1) of traces recorded, decided where a trace starts (the edge's proxy or the gateway); every hop after follows that decision." },
  kiali: { type: "boolean", default: false, description: "istio: install Kiali (the mesh's console: topology, traffic, Istio config), reading the stack's Prometheus and, with tracing, Jaeger; needs monitoring; reach it with kubectl port-forward (docs/observability.md)." },
  grafanaAdminPassword: { type: "string", secret: true, description: "Grafana admin password (secret); unset: a random one (see the grafanaAdminPassword output)." },
  metricsServer: { type: "boolean", default: false, description: "Install metrics-server (the HPAs need it): on for kind; off where the cluster has one (minikube addon, GKE, AKS), since a second one fails the install." },
  metricsServerInsecureTls: { type: "boolean", default: false, description: "Pass --kubelet-insecure-tls to metrics-server: only for kind, whose kubelets serve self-signed certificates." },
  gatewayApiCrds: { type: "boolean", default: true, description: "linkerd, and every stack with edge gateway-api: apply the pinned Gateway API CRDs (v1.5.1, standard channel, kept on destroy). Off: leave the cluster's own alone (linkerd needs v1.1.1 or later; the Gateway edge v1.5.1)." },
  redisImage: { type: "string", default: "redis:7.4.11-alpine@sha256:ff02b58f971e7d7d156a1267e283fcbbeee91773b6aa36c49dac28ecfe28eadf", description: "Redis image, pinned by digest (the manifest list of redis:7.4.11-alpine)." },
  redisStorage: { type: "string", default: "1Gi", description: "Size of Redis's volume (a Kubernetes quantity)." },
  redisStorageClass: { type: "string", description: "StorageClass of Redis's volume; unset: the cluster's default." },
  redisPassword: { type: "string", secret: true, description: "Redis secret (secret): every ACL user's password derives from it; unset: a random one." },
  redisMaxmemory: { type: "string", default: "384mb", description: "Redis maxmemory (redis.conf units, e.g. 384mb), policy noeviction: a full Redis refuses writes (503) and never drops a record; keep it under the container's 512Mi." },
  redisExternalUrl: { type: "string", description: "host:port of an external (managed) Redis to use instead of the in-cluster StatefulSet; it must have the ACL users of services/redis-acl.ts." },
  redisExternalCidr: { type: "string", description: "Address block (CIDR) of the external Redis: the NetworkPolicies let the stateful services reach it there, on its port; required with redisExternalUrl." },
  redisExternalTls: { type: "boolean", default: true, description: "Connect to the external Redis over TLS (rediss://)." },
  redisExternalPasswords: { type: "string", secret: true, description: 'The external Redis users\' passwords (secret), JSON: {"cart": "...", "orders": "...", "payment": "...", "notifications": "..."}; required with redisExternalUrl.' },
} as const satisfies Record<string, KeySpec>;

export type Key = keyof typeof KEYS;
/** The keys holding secrets: read with requireSecret, never as plain text. */
export const SECRET_KEYS = ["registryPassword", "grafanaAdminPassword", "redisPassword", "redisExternalPasswords"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** Validated, typed settings (no secrets: those stay Outputs, see StackSecrets). */
export interface StackConfig {
  readonly stack: string;
  readonly kubernetes: { readonly kubeconfig?: string; readonly context?: string };
  readonly namespace: string;
  readonly mesh: Mesh;
  readonly images: {
    readonly registryServer: string;
    readonly registryUsername?: string;
    readonly repository: string;
    readonly tag: string;
    readonly push: boolean;
    readonly platform: string;
    readonly baseImage?: string;
    readonly bundle: boolean;
  };
  readonly workloads: {
    readonly replicas: number;
    readonly maxReplicas: number;
    readonly targetCpuUtilization: number;
    readonly upstreamTimeoutMs: number;
    readonly upstreamRetries: number;
    readonly logLevel: LogLevel;
  };
  /** payment's canary: the static split's weight (percent to v2), or Flagger's progressive delivery (mode flagger). */
  readonly canary: { readonly weight: number; readonly mode: CanaryKind };
  readonly faults: { readonly catalogErrorRate: number; readonly paymentDeclineRate: number; readonly paymentTimeoutRate: number };
  readonly ingress: {
    readonly host: string;
    readonly className: string;
    readonly serviceType: IngressServiceType;
    readonly nodePort: number;
    readonly rateLimitRps: number;
    readonly connectionLimit: number;
    /** HTTPS node port (NodePort only). */
    readonly httpsNodePort: number;
    /** HTTPS at the edge, and how its certificate is made. */
    readonly tls: EdgeTlsMode;
  };
  /** What serves the edge: ingress-nginx, or a Gateway API Gateway (the ingress settings apply to either). */
  readonly edge: EdgeKind;
  /** What gives the LoadBalancer Service its address; addresses: MetalLB's pool (metallb only). */
  readonly loadBalancer: { readonly kind: LoadBalancerKind; readonly addresses: readonly string[] };
  /** The load generator (a workload of its own, reaching the edge only). */
  readonly loadGenerator: { readonly enabled: boolean; readonly rate: number };
  readonly monitoring: { readonly enabled: boolean; readonly namespace: string };
  /** The tracing backend, the services' OTLP export and the mesh's proxy spans; sampleRatio 0..1. */
  readonly tracing: { readonly enabled: boolean; readonly sampleRatio: number };
  /** Kiali, the istio stack's mesh console. */
  readonly kiali: boolean;
  readonly metricsServer: { readonly enabled: boolean; readonly kubeletInsecureTls: boolean };
  /** linkerd: whether the program applies the Gateway API CRDs. */
  readonly gatewayApiCrds: boolean;
  readonly redis: {
    readonly image: string;
    readonly storage: string;
    readonly storageClass?: string;
    /** maxmemory, redis.conf units (noeviction). */
    readonly maxmemory: string;
    /** An external Redis instead of the StatefulSet (its passwords: StackSecrets.redisExternalPasswords). */
    readonly external?: { readonly address: string; readonly tls: boolean; readonly cidr: string };
  };
  /** Which secrets the user set (the values themselves are in StackSecrets). */
  readonly secretsSet: { readonly [K in SecretKey]: boolean };
}

/** The secrets, as Pulumi secret Outputs; undefined when unset (then generated or not needed). */
export interface StackSecrets {
  readonly registryPassword?: pulumi.Output<string>;
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  readonly redisPassword?: pulumi.Output<string>;
  /** JSON object of the external Redis users' passwords (validated by parseConfig, never kept). */
  readonly redisExternalPasswords?: pulumi.Output<string>;
}

/** Raw config lookup by key without the `meshmart:` prefix. */
export type RawConfig = (key: Key) => string | undefined;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
/** An IPv4 or IPv6 address block. */
const CIDR = /^((\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/;
const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Reads keys, collecting one message per bad key (naming it, quoting the value). */
class Reader {
  readonly errors: string[] = [];
  constructor(private readonly raw: RawConfig) {}

  private fail(key: Key, expectation: string, value: string): undefined {
    this.errors.push(`${PROJECT}:${key} must be ${expectation}; got ${JSON.stringify(value)}`);
    return undefined;
  }

  optional(key: Key): string | undefined {
    const value = this.raw(key);
    return value === undefined || value === "" ? undefined : value;
  }

  string(key: Key, check?: { re: RegExp; expectation: string }): string {
    const value = this.raw(key) ?? String((KEYS[key] as KeySpec).default ?? "");
    if (check && value !== "" && !check.re.test(value)) this.fail(key, check.expectation, value);
    return value;
  }

  oneOf<T extends string>(key: Key, allowed: readonly T[]): T {
    const value = this.string(key);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.fail(key, `one of ${allowed.join(", ")}`, value);
    return allowed[0]!;
  }

  boolean(key: Key, fallback?: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return Boolean((KEYS[key] as KeySpec).default ?? fallback);
    if (value === "true" || value === "false") return value === "true";
    this.fail(key, "true or false", value);
    return false;
  }

  integer(key: Key, min: number, max: number, fallback?: number): number {
    const value = this.raw(key);
    const def = (KEYS[key] as KeySpec).default ?? fallback;
    if (value === undefined) return Number(def);
    const n = /^-?[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    this.fail(key, `an integer between ${min} and ${max}`, value);
    return Number(def);
  }

  fraction(key: Key): number {
    const value = this.raw(key) ?? String((KEYS[key] as KeySpec).default);
    const n = value.trim() === "" ? NaN : Number(value);
    if (Number.isFinite(n) && n >= 0 && n <= 1) return n;
    this.fail(key, "a number between 0 and 1", value);
    return 0;
  }

  atLeast(key: Key, value: number, otherKey: Key, min: number): void {
    if (value < min) this.errors.push(`${PROJECT}:${key} must be at least ${PROJECT}:${otherKey} (${min}); got ${JSON.stringify(String(value))}`);
  }
}

/**
 * The building machine's platform: images run where they are built (kind on
 * an arm64 laptop runs arm64 nodes). Other architectures must say so.
 */
export function hostPlatform(arch: string): string {
  const docker = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[arch];
  if (!docker) throw new Error(`${PROJECT}:imagePlatform must be set on a ${arch} machine (e.g. linux/amd64)`);
  return `linux/${docker}`;
}

/** Validates the raw config; throws one Error listing every bad key. */
export function parseConfig(raw: RawConfig, stack: string, hostArch: string = process.arch): StackConfig {
  const r = new Reader(raw);
  const dnsLabel = { re: DNS_LABEL, expectation: "a DNS label (lowercase letters, digits and '-', at most 63 characters)" };
  const mesh = r.oneOf("mesh", MESHES);
  const replicas = r.integer("replicas", 2, 50);
  const maxReplicas = r.integer("maxReplicas", 2, 100);
  r.atLeast("maxReplicas", maxReplicas, "replicas", replicas);
  const push = r.boolean("imagePush");
  const registryUsername = r.optional("registryUsername");
  const secretsSet = Object.fromEntries(SECRET_KEYS.map((k) => [k, r.optional(k) !== undefined])) as Record<SecretKey, boolean>;
  if (push && registryUsername !== undefined && !secretsSet.registryPassword) {
    r.errors.push(
      `${PROJECT}:registryPassword is required when ${PROJECT}:imagePush is true and ${PROJECT}:registryUsername is set ` +
        `(pulumi config set --secret registryPassword <password>)`,
    );
  }
  const config: StackConfig = {
    stack,
    kubernetes: { kubeconfig: r.optional("kubeconfig"), context: r.optional("kubeContext") },
    namespace: r.string("namespace", dnsLabel) || String(KEYS.namespace.default),
    mesh,
    images: {
      registryServer: r.string("registryServer", { re: /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._/-]+)?$/, expectation: "a registry host[:port]" }),
      registryUsername,
      repository: r.string("imageRepository", { re: /^[a-z0-9]+([._/-][a-z0-9]+)*$/, expectation: "an image repository path (lowercase)" }),
      tag: r.string("imageTag", { re: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, expectation: "an image tag" }),
      push,
      platform:
        r.optional("imagePlatform") === undefined
          ? hostPlatform(hostArch)
          : r.string("imagePlatform", { re: /^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, expectation: "a platform such as linux/amd64" }),
      baseImage: r.optional("baseImage"),
      bundle: r.boolean("bundle"),
    },
    workloads: {
      replicas,
      maxReplicas,
      targetCpuUtilization: r.integer("targetCpuUtilization", 1, 100),
      upstreamTimeoutMs: r.integer("upstreamTimeoutMs", 100, 60000),
      upstreamRetries: r.integer("upstreamRetries", 0, 3, mesh === "none" ? 1 : 0),
      logLevel: r.oneOf("logLevel", LOG_LEVELS),
    },
    canary: { weight: r.integer("canaryWeight", 0, 100), mode: r.oneOf("canary", CANARY_MODES) },
    faults: {
      catalogErrorRate: r.fraction("catalogErrorRate"),
      paymentDeclineRate: r.fraction("paymentDeclineRate"),
      paymentTimeoutRate: r.fraction("paymentTimeoutRate"),
    },
    ingress: {
      host: r.string("ingressHost", { re: HOST, expectation: "a host name (or empty for any host)" }),
      className: r.string("ingressClass", dnsLabel),
      serviceType: r.oneOf("ingressServiceType", INGRESS_SERVICE_TYPES),
      nodePort: r.integer("ingressNodePort", 30000, 32767),
      rateLimitRps: r.integer("ingressRateLimitRps", 1, 100000),
      connectionLimit: r.integer("ingressConnectionLimit", 1, 100000),
      httpsNodePort: r.integer("ingressHttpsNodePort", 30000, 32767),
      tls: r.oneOf("edgeTls", EDGE_TLS_MODES),
    },
    edge: r.oneOf("edge", EDGES),
    loadBalancer: readLoadBalancer(r),
    loadGenerator: { enabled: r.boolean("loadGenerator"), rate: r.integer("loadGeneratorRate", 1, 100000) },
    monitoring: { enabled: r.boolean("monitoring"), namespace: r.string("monitoringNamespace", dnsLabel) },
    // Traces go with the metrics: unset, tracing follows monitoring (Grafana shows both).
    tracing: { enabled: r.boolean("tracing", r.boolean("monitoring")), sampleRatio: r.fraction("tracingSampleRatio") },
    kiali: r.boolean("kiali"),
    metricsServer: { enabled: r.boolean("metricsServer"), kubeletInsecureTls: r.boolean("metricsServerInsecureTls") },
    gatewayApiCrds: r.boolean("gatewayApiCrds"),
    redis: {
      image: r.string("redisImage", { re: /^[^\s]+$/, expectation: "an image reference" }),
      storage: r.string("redisStorage", { re: QUANTITY, expectation: "a Kubernetes quantity such as 1Gi" }),
      storageClass: r.optional("redisStorageClass"),
      maxmemory: r.string("redisMaxmemory", { re: /^[1-9][0-9]*(k|kb|m|mb|g|gb)?$/i, expectation: "a redis.conf memory size such as 384mb" }),
      ...readExternalRedis(r),
    },
    secretsSet,
  };
  if (config.loadGenerator.enabled && config.loadGenerator.rate > config.ingress.rateLimitRps) {
    // The edge answers 503 beyond its per-client limit: the dashboards would show the generator's own errors.
    r.errors.push(`${PROJECT}:loadGeneratorRate must be at most ${PROJECT}:ingressRateLimitRps (${config.ingress.rateLimitRps}), the edge's limit per client address; got ${JSON.stringify(String(config.loadGenerator.rate))}`);
  }
  edgeConflicts(config, r.errors);
  canaryConflicts(config, r.errors);
  kialiConflicts(config, r.errors);
  const maxmemory = config.redis.maxmemory;
  if (!config.redis.external && /^[1-9][0-9]*(k|kb|m|mb|g|gb)?$/i.test(maxmemory) && memoryBytes(maxmemory) > memoryBytes(MAXMEMORY_CEILING)) {
    r.errors.push(`${PROJECT}:redisMaxmemory must leave room under the Redis container's 512Mi memory limit (at most ${MAXMEMORY_CEILING}); got ${JSON.stringify(maxmemory)}`);
  }
  if (r.errors.length > 0) throw new Error(r.errors.join("\n"));
  return config;
}

/** An IPv4 address: four octets 0-255. */
function ipv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** One MetalLB range: a CIDR (IPv4 or IPv6) or first-last IPv4 addresses with first <= last. */
export function isAddressRange(text: string): boolean {
  const [a, b, ...rest] = text.split("-");
  if (rest.length > 0) return false;
  if (b === undefined) {
    const [ip, bits, ...more] = text.split("/");
    if (more.length > 0 || bits === undefined || !/^[0-9]{1,3}$/.test(bits)) return false;
    if (ipv4(ip!)) return Number(bits) <= 32;
    return /^[0-9a-fA-F:]+$/.test(ip!) && ip!.includes(":") && Number(bits) <= 128;
  }
  const first = ipv4(a!.trim());
  const last = ipv4(b.trim());
  if (!first || !last) return false;
  const n = (x: number[]) => x.reduce((acc, o) => acc * 256 + o, 0);
  return n(first) <= n(last);
}

/** loadBalancer and loadBalancerAddresses: the pool is required with metallb and refused without it. */
function readLoadBalancer(r: Reader): { kind: LoadBalancerKind; addresses: string[] } {
  const kind = r.oneOf("loadBalancer", LOAD_BALANCERS);
  const raw = r.optional("loadBalancerAddresses");
  if (kind !== "metallb") {
    if (raw !== undefined) r.errors.push(`${PROJECT}:loadBalancerAddresses is set but ${PROJECT}:loadBalancer is not metallb`);
    return { kind, addresses: [] };
  }
  if (raw === undefined) {
    r.errors.push(`${PROJECT}:loadBalancerAddresses is required with ${PROJECT}:loadBalancer metallb: the addresses MetalLB may give out (on kind, from the kind Docker network: docs/cluster.md)`);
    return { kind, addresses: [] };
  }
  const addresses = raw.split(",").map((a) => a.trim());
  const bad = addresses.filter((a) => !isAddressRange(a));
  if (bad.length > 0) r.errors.push(`${PROJECT}:loadBalancerAddresses must be comma-separated CIDRs or first-last IPv4 ranges such as 172.18.255.200-172.18.255.250; got ${JSON.stringify(raw)}`);
  return { kind, addresses };
}

/** Edge settings that cannot work together. */
function edgeConflicts(config: StackConfig, errors: string[]): void {
  if (config.loadBalancer.kind === "metallb" && config.ingress.serviceType !== "LoadBalancer") {
    errors.push(`${PROJECT}:ingressServiceType must be LoadBalancer with ${PROJECT}:loadBalancer metallb (MetalLB gives addresses to LoadBalancer Services only); got ${JSON.stringify(config.ingress.serviceType)}`);
  }
  if (config.ingress.serviceType === "NodePort" && config.ingress.httpsNodePort === config.ingress.nodePort) {
    errors.push(`${PROJECT}:ingressHttpsNodePort must differ from ${PROJECT}:ingressNodePort (${config.ingress.nodePort}); got ${JSON.stringify(String(config.ingress.httpsNodePort))}`);
  }
  if (config.loadGenerator.enabled && config.ingress.tls === "cert-manager") {
    // With TLS on the generator calls the edge in HTTPS and verifies its certificate (its port 80 only redirects). It trusts the
    // certificate the program made (self-signed); cert-manager's is made and re-keyed in the cluster, unknown to the program.
    errors.push(`${PROJECT}:loadGenerator needs ${PROJECT}:edgeTls self-signed or off: the generator verifies the edge's certificate, and cert-manager's is issued and re-keyed inside the cluster, so the program has nothing to make it trust (docs/edge.md); got edgeTls "cert-manager"`);
  }
}

/** Kiali reads Istio's configuration and telemetry: the istio stack, with its Prometheus. */
function kialiConflicts(config: StackConfig, errors: string[]): void {
  if (!config.kiali) return;
  if (config.mesh !== "istio") errors.push(`${PROJECT}:kiali needs ${PROJECT}:mesh istio: Kiali is Istio's console and reads Istio's configuration and telemetry; got mesh ${JSON.stringify(config.mesh)}`);
  if (!config.monitoring.enabled) errors.push(`${PROJECT}:kiali needs ${PROJECT}:monitoring true: Kiali's graph and health come from the stack's Prometheus`);
}

/** Flagger needs a mesh to route with, Prometheus to judge by and traffic to judge (it sets the weights itself: canaryWeight is unused). */
function canaryConflicts(config: StackConfig, errors: string[]): void {
  if (config.canary.mode !== "flagger") return;
  const key = `${PROJECT}:canary flagger`;
  if (config.mesh === "none") {
    errors.push(`${key} needs a mesh (${PROJECT}:mesh istio or linkerd): Flagger shifts payment's traffic with the mesh's routing, and without one cart splits payments itself; got mesh "none"`);
  }
  if (!config.monitoring.enabled) errors.push(`${key} needs ${PROJECT}:monitoring true: Flagger's analysis reads payment's success rate and latency from the stack's Prometheus`);
  if (!config.loadGenerator.enabled) {
    errors.push(`${key} needs ${PROJECT}:loadGenerator true: the analysis judges payment's live requests, and without shoppers there are none, so every rollout would halt and roll back`);
  }
}

/** The ACL users an external Redis must have: one per service with Redis. */
const EXTERNAL_REDIS_USERS = REDIS_SERVICE_USERS;

/**
 * redisExternalUrl, redisExternalTls and redisExternalPasswords: all or
 * nothing. The passwords' JSON is checked for shape only; no error quotes it.
 */
function readExternalRedis(r: Reader): { external?: { address: string; tls: boolean; cidr: string } } {
  const address = r.optional("redisExternalUrl");
  const tls = r.boolean("redisExternalTls");
  const passwords = r.optional("redisExternalPasswords");
  const cidr = r.optional("redisExternalCidr");
  if (address === undefined) {
    if (passwords !== undefined) r.errors.push(`${PROJECT}:redisExternalPasswords is set but ${PROJECT}:redisExternalUrl is not`);
    if (cidr !== undefined) r.errors.push(`${PROJECT}:redisExternalCidr is set but ${PROJECT}:redisExternalUrl is not`);
    return {};
  }
  if (cidr === undefined) r.errors.push(`${PROJECT}:redisExternalCidr is required with redisExternalUrl: the NetworkPolicies let the services reach only that address block`);
  else if (!CIDR.test(cidr)) r.errors.push(`${PROJECT}:redisExternalCidr must be an address block such as 10.0.0.5/32; got ${JSON.stringify(cidr)}`);
  if (!/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:[0-9]{1,5}$/.test(address) || Number(address.split(":").pop()) > 65535) {
    r.errors.push(`${PROJECT}:redisExternalUrl must be host:port (no scheme, no credentials); got ${JSON.stringify(address)}`);
  }
  const problem = (() => {
    if (passwords === undefined) return "is required with redisExternalUrl (pulumi config set --secret redisExternalPasswords '{\"cart\": …}')";
    let parsed: unknown;
    try {
      parsed = JSON.parse(passwords);
    } catch {
      return "must be a JSON object";
    }
    const missing = EXTERNAL_REDIS_USERS.filter((user) => typeof (parsed as Record<string, unknown> | null)?.[user] !== "string" || !(parsed as Record<string, string>)[user]);
    return missing.length ? `must give a password for ${missing.join(", ")}` : undefined;
  })();
  if (problem) r.errors.push(`${PROJECT}:redisExternalPasswords ${problem} (the value is a secret and not shown)`);
  return { external: { address, tls, cidr: cidr ?? "" } };
}

/** The external Redis to use (address, TLS, the users' passwords as a secret), or undefined for the in-cluster one. */
export function externalRedis(
  config: StackConfig,
  secrets: StackSecrets,
): { address: string; tls: boolean; cidr: string; passwords: pulumi.Output<Record<(typeof EXTERNAL_REDIS_USERS)[number], string>> } | undefined {
  const external = config.redis.external;
  if (!external || !secrets.redisExternalPasswords) return undefined;
  return { ...external, passwords: secrets.redisExternalPasswords.apply((json) => JSON.parse(json) as Record<(typeof EXTERNAL_REDIS_USERS)[number], string>) };
}

/** Reads and validates the current stack's config; secrets stay Pulumi secrets. */
export function loadConfig(): { config: StackConfig; secrets: StackSecrets } {
  // runtime.getConfig reads the raw value without the "secret read as plain"
  // warning; parseConfig only checks secrets for presence and never keeps them.
  const config = parseConfig((key) => pulumi.runtime.getConfig(`${PROJECT}:${key}`), pulumi.getStack());
  const bag = new pulumi.Config(PROJECT);
  const secret = (key: SecretKey) => (config.secretsSet[key] ? bag.requireSecret(key) : undefined);
  return {
    config,
    secrets: Object.fromEntries(SECRET_KEYS.map((k) => [k, secret(k)])) as StackSecrets,
  };
}
