import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REDIS_IMAGE } from "../test/infra/fixtures/upstream";
import { KEYS, parseConfig, SECRET_KEYS, type Key, type KeySpec } from "./config";
import { REDIS_SERVICE_USERS } from "../services/redis-acl";

const from = (values: Partial<Record<Key, string>>) => (key: Key) => values[key];
const errorOf = (values: Partial<Record<Key, string>>) => {
  try {
    parseConfig(from(values), "dev");
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("parseConfig accepted a bad config");
};

describe("stack config (stacks/config.ts)", () => {
  it("defaults suit a local cluster when nothing is set", () => {
    const c = parseConfig(from({}), "dev", "x64");
    expect(c.mesh).to.equal("none");
    expect(c.namespace).to.equal("meshmart");
    expect(c.images).to.deep.include({ registryServer: "localhost:5001", repository: "meshmart", tag: "latest", push: true, platform: "linux/amd64", bundle: true });
    expect(c.workloads).to.deep.equal({ replicas: 2, maxReplicas: 10, targetCpuUtilization: 70, upstreamTimeoutMs: 2000, upstreamRetries: 1, logLevel: "info" });
    expect(c.canary).to.deep.equal({ weight: 5, mode: "static" });
    expect(c.kiali).to.equal(false);
    expect(c.faults).to.deep.equal({ catalogErrorRate: 0, paymentDeclineRate: 0, paymentTimeoutRate: 0 });
    // HTTPS by default, with a certificate the program makes (issue 14).
    expect(c.ingress).to.deep.equal({ host: "", className: "nginx", serviceType: "NodePort", nodePort: 30080, rateLimitRps: 20, connectionLimit: 50, httpsNodePort: 30443, tls: "self-signed" });
    expect(c.loadBalancer).to.deep.equal({ kind: "none", addresses: [] });
    expect(c.monitoring).to.deep.equal({ enabled: true, namespace: "monitoring" });
    expect(c.loadGenerator).to.deep.equal({ enabled: false, rate: 5 });
    // Off: a cluster that already runs one would fail the install (kind's recipe turns both on).
    expect(c.metricsServer).to.deep.equal({ enabled: false, kubeletInsecureTls: false });
    expect(c.redis).to.deep.equal({ image: REDIS_IMAGE, storage: "1Gi", storageClass: undefined, maxmemory: "384mb" });
    expect(c.gatewayApiCrds).to.equal(true);
    expect(c.secretsSet).to.deep.equal({ registryPassword: false, grafanaAdminPassword: false, redisPassword: false, redisExternalPasswords: false });
  });

  it("builds for the building machine's architecture unless imagePlatform is set", () => {
    expect(parseConfig(from({}), "dev", "arm64").images.platform).to.equal("linux/arm64");
    expect(parseConfig(from({ imagePlatform: "linux/amd64" }), "dev", "arm64").images.platform).to.equal("linux/amd64");
    expect(() => parseConfig(from({}), "dev", "s390x")).to.throw("meshmart:imagePlatform must be set on a s390x machine");
  });

  it("traces with monitoring unless told otherwise, every trace by default, and takes a sampling ratio from 0 to 1", () => {
    expect(parseConfig(from({}), "dev").tracing).to.deep.equal({ enabled: true, sampleRatio: 1 });
    expect(parseConfig(from({ monitoring: "false" }), "dev").tracing.enabled).to.equal(false);
    expect(parseConfig(from({ monitoring: "false", tracing: "true" }), "dev").tracing.enabled).to.equal(true);
    expect(parseConfig(from({ tracing: "false" }), "dev").tracing.enabled).to.equal(false);
    expect(parseConfig(from({ tracingSampleRatio: "0.1" }), "dev").tracing.sampleRatio).to.equal(0.1);
    expect(parseConfig(from({ tracingSampleRatio: "0" }), "dev").tracing.sampleRatio).to.equal(0);
    for (const ratio of ["1.5", "-0.1", "", "half", "NaN"]) {
      expect(errorOf({ tracingSampleRatio: ratio }), ratio).to.equal(`meshmart:tracingSampleRatio must be a number between 0 and 1; got ${JSON.stringify(ratio)}`);
    }
    expect(errorOf({ tracing: "yes" })).to.equal('meshmart:tracing must be true or false; got "yes"');
  });

  it("turns the services' own retries off by default in a mesh (the mesh retries)", () => {
    expect(parseConfig(from({ mesh: "istio" }), "istio").workloads.upstreamRetries).to.equal(0);
    expect(parseConfig(from({ mesh: "linkerd" }), "linkerd").workloads.upstreamRetries).to.equal(0);
    expect(parseConfig(from({ mesh: "istio", upstreamRetries: "2" }), "istio").workloads.upstreamRetries).to.equal(2);
  });

  it("parses typed values", () => {
    const c = parseConfig(
      from({ replicas: "3", maxReplicas: "6", imagePush: "false", catalogErrorRate: "0.05", canaryWeight: "10", ingressServiceType: "LoadBalancer" }),
      "dev",
    );
    expect([c.workloads.replicas, c.workloads.maxReplicas, c.images.push, c.faults.catalogErrorRate, c.canary.weight, c.ingress.serviceType]).to.deep.equal([
      3, 6, false, 0.05, 10, "LoadBalancer",
    ]);
    // Spaces around a number are not part of it (a quoted YAML value may carry them).
    expect(parseConfig(from({ replicas: " 3 " }), "dev").workloads.replicas).to.equal(3);
  });

  const bad: [string, Partial<Record<Key, string>>, string][] = [
    ["mesh", { mesh: "istoi" }, 'meshmart:mesh must be one of none, istio, linkerd; got "istoi"'],
    ["canary weight", { canaryWeight: "150" }, 'meshmart:canaryWeight must be an integer between 0 and 100; got "150"'],
    ["fractional weight", { canaryWeight: "5.5" }, 'meshmart:canaryWeight must be an integer between 0 and 100; got "5.5"'],
    ["replicas", { replicas: "1" }, 'meshmart:replicas must be an integer between 2 and 50; got "1"'],
    ["replicas text", { replicas: "two" }, 'meshmart:replicas must be an integer between 2 and 50; got "two"'],
    // Number() would read these as 10 and 16: an integer key takes decimal digits alone.
    ["replicas in exponent form", { replicas: "1e1" }, 'meshmart:replicas must be an integer between 2 and 50; got "1e1"'],
    ["replicas in hexadecimal", { replicas: "0x10" }, 'meshmart:replicas must be an integer between 2 and 50; got "0x10"'],
    ["max below min", { replicas: "4", maxReplicas: "3" }, 'meshmart:maxReplicas must be at least meshmart:replicas (4); got "3"'],
    ["fault rate", { paymentDeclineRate: "1.5" }, 'meshmart:paymentDeclineRate must be a number between 0 and 1; got "1.5"'],
    ["fault rate text", { catalogErrorRate: "often" }, 'meshmart:catalogErrorRate must be a number between 0 and 1; got "often"'],
    ["boolean", { imagePush: "yes" }, 'meshmart:imagePush must be true or false; got "yes"'],
    ["namespace", { namespace: "Shop_1" }, "meshmart:namespace must be a DNS label (lowercase letters, digits and '-', at most 63 characters); got \"Shop_1\""],
    ["service type", { ingressServiceType: "nodeport" }, 'meshmart:ingressServiceType must be one of NodePort, LoadBalancer, ClusterIP; got "nodeport"'],
    ["node port", { ingressNodePort: "80" }, 'meshmart:ingressNodePort must be an integer between 30000 and 32767; got "80"'],
    ["storage", { redisStorage: "lots" }, 'meshmart:redisStorage must be a Kubernetes quantity such as 1Gi; got "lots"'],
    ["log level", { logLevel: "verbose" }, 'meshmart:logLevel must be one of debug, info, warn, error; got "verbose"'],
    ["retries", { upstreamRetries: "5" }, 'meshmart:upstreamRetries must be an integer between 0 and 3; got "5"'],
    ["load generator switch", { loadGenerator: "on" }, 'meshmart:loadGenerator must be true or false; got "on"'],
    ["load generator rate", { loadGeneratorRate: "0" }, 'meshmart:loadGeneratorRate must be an integer between 1 and 100000; got "0"'],
    [
      "load generator rate above the edge's limit",
      { loadGenerator: "true", edgeTls: "off", loadGeneratorRate: "30", ingressRateLimitRps: "25" },
      'meshmart:loadGeneratorRate must be at most meshmart:ingressRateLimitRps (25), the edge\'s limit per client address; got "30"',
    ],
    ["edge TLS mode", { edgeTls: "letsencrypt" }, 'meshmart:edgeTls must be one of off, self-signed, cert-manager; got "letsencrypt"'],
    ["HTTPS node port", { ingressHttpsNodePort: "443" }, 'meshmart:ingressHttpsNodePort must be an integer between 30000 and 32767; got "443"'],
    ["HTTPS node port equal to the HTTP one", { ingressHttpsNodePort: "30080" }, 'meshmart:ingressHttpsNodePort must differ from meshmart:ingressNodePort (30080); got "30080"'],
    [
      "load generator with cert-manager's certificate at the edge",
      { loadGenerator: "true", edgeTls: "cert-manager" },
      'meshmart:loadGenerator needs meshmart:edgeTls self-signed or off: the generator verifies the edge\'s certificate, and cert-manager\'s is issued and re-keyed inside the cluster, so the program has nothing to make it trust (docs/edge.md); got edgeTls "cert-manager"',
    ],
    ["load balancer", { loadBalancer: "kube-vip" }, 'meshmart:loadBalancer must be one of none, metallb; got "kube-vip"'],
    [
      "MetalLB without addresses",
      { loadBalancer: "metallb", ingressServiceType: "LoadBalancer" },
      "meshmart:loadBalancerAddresses is required with meshmart:loadBalancer metallb: the addresses MetalLB may give out (on kind, from the kind Docker network: docs/cluster.md)",
    ],
    [
      "MetalLB for a NodePort edge",
      { loadBalancer: "metallb", loadBalancerAddresses: "172.18.255.200/29" },
      'meshmart:ingressServiceType must be LoadBalancer with meshmart:loadBalancer metallb (MetalLB gives addresses to LoadBalancer Services only); got "NodePort"',
    ],
    ["MetalLB addresses without MetalLB", { loadBalancerAddresses: "172.18.255.200/29" }, "meshmart:loadBalancerAddresses is set but meshmart:loadBalancer is not metallb"],
    ...["172.18.255.250-172.18.255.200", "172.18.255.300/29", "172.18.255.200", "172.18.0.0/33", "a-b", "10.0.0.1-10.0.0.2-10.0.0.3", "fd00::/129"].map(
      (range): [string, Partial<Record<Key, string>>, string] => [
        `MetalLB range ${range}`,
        { loadBalancer: "metallb", ingressServiceType: "LoadBalancer", loadBalancerAddresses: `172.18.255.200/29,${range}` },
        `meshmart:loadBalancerAddresses must be comma-separated CIDRs or first-last IPv4 ranges such as 172.18.255.200-172.18.255.250; got ${JSON.stringify(`172.18.255.200/29,${range}`)}`,
      ],
    ),
    ["canary mode", { canary: "argo" }, 'meshmart:canary must be one of static, flagger; got "argo"'],
    [
      "Flagger without a mesh",
      { canary: "flagger", loadGenerator: "true", edgeTls: "off" },
      'meshmart:canary flagger needs a mesh (meshmart:mesh istio or linkerd): Flagger shifts payment\'s traffic with the mesh\'s routing, and without one cart splits payments itself; got mesh "none"',
    ],
    [
      "Flagger without monitoring",
      { mesh: "istio", canary: "flagger", loadGenerator: "true", edgeTls: "off", monitoring: "false" },
      "meshmart:canary flagger needs meshmart:monitoring true: Flagger's analysis reads payment's success rate and latency from the stack's Prometheus",
    ],
    [
      "Flagger without traffic",
      { mesh: "linkerd", canary: "flagger" },
      "meshmart:canary flagger needs meshmart:loadGenerator true: the analysis judges payment's live requests, and without shoppers there are none, so every rollout would halt and roll back",
    ],
    ["Kiali outside istio", { mesh: "linkerd", kiali: "true" }, 'meshmart:kiali needs meshmart:mesh istio: Kiali is Istio\'s console and reads Istio\'s configuration and telemetry; got mesh "linkerd"'],
    ["Kiali without monitoring", { mesh: "istio", kiali: "true", monitoring: "false" }, "meshmart:kiali needs meshmart:monitoring true: Kiali's graph and health come from the stack's Prometheus"],
    ["Kiali switch", { kiali: "yes" }, 'meshmart:kiali must be true or false; got "yes"'],
    [
      "registry password",
      { registryUsername: "ci" },
      "meshmart:registryPassword is required when meshmart:imagePush is true and meshmart:registryUsername is set (pulumi config set --secret registryPassword <password>)",
    ],
  ];
  for (const [what, values, message] of bad) {
    it(`rejects a bad ${what} with a message naming the key`, () => expect(errorOf(values)).to.equal(message));
  }

  it("holds the load generator's rate to the edge's per-client limit only when it is deployed", () => {
    expect(parseConfig(from({ ingressRateLimitRps: "3" }), "dev").loadGenerator).to.deep.equal({ enabled: false, rate: 5 });
    expect(parseConfig(from({ loadGenerator: "true", edgeTls: "off", loadGeneratorRate: "20" }), "dev").loadGenerator).to.deep.equal({ enabled: true, rate: 20 });
    // With TLS on (self-signed, the default) it calls the edge in HTTPS: no need to turn TLS off, Flagger included.
    expect(parseConfig(from({ loadGenerator: "true" }), "dev").loadGenerator).to.deep.equal({ enabled: true, rate: 5 });
    expect(parseConfig(from({ mesh: "istio", canary: "flagger", loadGenerator: "true" }), "istio").canary.mode).to.equal("flagger");
  });

  it("takes MetalLB's pool as CIDRs and first-last ranges, and the edge's TLS mode", () => {
    const lb = (addresses: string) => parseConfig(from({ loadBalancer: "metallb", ingressServiceType: "LoadBalancer", loadBalancerAddresses: addresses }), "dev").loadBalancer;
    expect(lb("172.18.255.200-172.18.255.250")).to.deep.equal({ kind: "metallb", addresses: ["172.18.255.200-172.18.255.250"] });
    expect(lb("172.18.255.200/29, fc00:f853:ccd:e793::/124,10.0.0.5-10.0.0.5")).to.deep.equal({
      kind: "metallb",
      addresses: ["172.18.255.200/29", "fc00:f853:ccd:e793::/124", "10.0.0.5-10.0.0.5"],
    });
    // MetalLB trims each side of a range (internal/config/config.go ParseCIDR at v0.16.1: strings.TrimSpace on both), so spaces around the dash are a valid range.
    expect(lb("172.18.255.200 - 172.18.255.250")).to.deep.equal({ kind: "metallb", addresses: ["172.18.255.200 - 172.18.255.250"] });
    for (const mode of ["off", "self-signed", "cert-manager"]) expect(parseConfig(from({ edgeTls: mode }), "dev").ingress.tls).to.equal(mode);
    expect(parseConfig(from({ ingressHttpsNodePort: "31443" }), "dev").ingress.httpsNodePort).to.equal(31443);
  });

  it("takes Flagger in a mesh stack with monitoring and the load generator, and Kiali in the istio stack", () => {
    const c = parseConfig(from({ mesh: "istio", canary: "flagger", loadGenerator: "true", edgeTls: "off", kiali: "true" }), "istio");
    expect([c.canary, c.kiali]).to.deep.equal([{ weight: 5, mode: "flagger" }, true]);
    expect(parseConfig(from({ mesh: "linkerd", canary: "flagger", loadGenerator: "true", edgeTls: "off", canaryWeight: "20" }), "linkerd").canary).to.deep.equal({ weight: 20, mode: "flagger" });
  });

  it("reports every bad key at once", () => {
    expect(errorOf({ mesh: "consul", replicas: "0" }).split("\n")).to.deep.equal([
      'meshmart:mesh must be one of none, istio, linkerd; got "consul"',
      'meshmart:replicas must be an integer between 2 and 50; got "0"',
    ]);
  });

  it("needs no registry password when push is off or the registry is anonymous", () => {
    expect(parseConfig(from({ registryUsername: "ci", imagePush: "false" }), "dev").images.push).to.equal(false);
    expect(parseConfig(from({}), "dev").secretsSet.registryPassword).to.equal(false);
    expect(parseConfig(from({ registryUsername: "ci", registryPassword: "s3cret" }), "dev").secretsSet.registryPassword).to.equal(true);
  });

  it("never keeps a secret's value in the parsed config", () => {
    const c = parseConfig(from({ redisPassword: "hunter2-redis", grafanaAdminPassword: "hunter2-grafana" }), "dev");
    expect(JSON.stringify(c)).not.to.contain("hunter2");
    expect(c.secretsSet).to.deep.include({ redisPassword: true, grafanaAdminPassword: true });
  });

  it("has no replica-ratio canary key: without a mesh cart splits payments per request by canaryWeight", () => {
    expect(KEYS).not.to.have.property("canaryReplicas");
    for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml"]) expect(readFileSync(join(__dirname, "..", file), "utf8"), file).not.to.contain("canaryReplicas");
  });

  describe("Redis: memory limit and an external (managed) Redis", () => {
    const passwords = JSON.stringify(Object.fromEntries(REDIS_SERVICE_USERS.map((user) => [user, `${user}-pw`])));
    it("takes maxmemory in redis.conf units", () => {
      expect(parseConfig(from({ redisMaxmemory: "256mb" }), "dev").redis.maxmemory).to.equal("256mb");
      expect(() => parseConfig(from({ redisMaxmemory: "1gb" }), "dev"), "the container would be killed before Redis refuses a write").to.throw(
        'meshmart:redisMaxmemory must leave room under the Redis container\'s 512Mi memory limit (at most 460mb); got "1gb"',
      );
      expect(() => parseConfig(from({ redisMaxmemory: "lots" }), "dev")).to.throw('meshmart:redisMaxmemory must be a redis.conf memory size such as 384mb; got "lots"');
    });
    it("points at an external Redis with TLS by default, its passwords a secret checked for shape only", () => {
      const c = parseConfig(from({ redisExternalUrl: "redis.example.com:6380", redisExternalCidr: "203.0.113.10/32", redisExternalPasswords: passwords }), "dev");
      expect(c.redis.external).to.deep.equal({ address: "redis.example.com:6380", tls: true, cidr: "203.0.113.10/32" });
      expect(c.secretsSet.redisExternalPasswords).to.equal(true);
      expect(JSON.stringify(c)).not.to.contain("cart-pw");
      expect(parseConfig(from({ redisExternalUrl: "10.0.0.5:6379", redisExternalCidr: "10.0.0.0/24", redisExternalTls: "false", redisExternalPasswords: passwords }), "dev").redis.external).to.deep.equal({
        address: "10.0.0.5:6379",
        tls: false,
        cidr: "10.0.0.0/24",
      });
      expect(() => parseConfig(from({ redisExternalUrl: "h:1", redisExternalPasswords: passwords }), "dev")).to.throw("meshmart:redisExternalCidr is required with redisExternalUrl");
      expect(() => parseConfig(from({ redisExternalUrl: "h:1", redisExternalCidr: "everywhere", redisExternalPasswords: passwords }), "dev")).to.throw('meshmart:redisExternalCidr must be an address block such as 10.0.0.5/32; got "everywhere"');
    });
    it("refuses half a configuration or a bad address, never quoting a password", () => {
      expect(() => parseConfig(from({ redisExternalUrl: "redis.example.com:6380" }), "dev")).to.throw("meshmart:redisExternalPasswords is required with redisExternalUrl");
      expect(() => parseConfig(from({ redisExternalPasswords: passwords }), "dev")).to.throw("meshmart:redisExternalPasswords is set but meshmart:redisExternalUrl is not");
      expect(() => parseConfig(from({ redisExternalUrl: "rediss://u:pw@host:6379", redisExternalPasswords: passwords }), "dev")).to.throw("meshmart:redisExternalUrl must be host:port");
      const partial = JSON.stringify({ cart: "secret-1", orders: "secret-2" });
      expect(() => parseConfig(from({ redisExternalUrl: "h:1", redisExternalPasswords: partial }), "dev"))
        .to.throw("meshmart:redisExternalPasswords must give a password for payment, notifications")
        .with.property("message")
        .that.does.not.contain("secret-1");
      expect(() => parseConfig(from({ redisExternalUrl: "h:1", redisExternalPasswords: "not json secret-3" }), "dev")).to.throw(/must be a JSON object \(the value is a secret and not shown\)$/);
    });
  });

  describe("Pulumi.yaml declares the keys exactly as the program reads them", () => {
    const project = parse(readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8")) as {
      name: string;
      runtime: { name: string };
      config: Record<string, { type: string; description: string; default?: unknown; secret?: boolean }>;
    };
    it("is the nodejs project meshmart", () => {
      expect(project.name).to.equal("meshmart");
      expect(project.runtime.name).to.equal("nodejs");
    });
    it("declares every key with a default, with the same type, default and description", () => {
      const withDefault = (Object.keys(KEYS) as Key[]).filter((k) => (KEYS[k] as KeySpec).default !== undefined);
      expect(Object.keys(project.config).sort()).to.deep.equal([...withDefault].sort());
      for (const k of withDefault) {
        const spec = KEYS[k] as KeySpec;
        expect(project.config[k], k).to.deep.equal({ type: spec.type, description: spec.description, default: spec.default });
      }
    });
    it("leaves optional keys undeclared (Pulumi would require them) and names them in a comment", () => {
      const text = readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8");
      for (const k of (Object.keys(KEYS) as Key[]).filter((k) => (KEYS[k] as KeySpec).default === undefined)) {
        expect(project.config).not.to.have.property(k);
        expect(text, k).to.contain(k);
      }
      for (const k of SECRET_KEYS) expect((KEYS[k] as KeySpec).secret).to.equal(true);
    });
  });
});
