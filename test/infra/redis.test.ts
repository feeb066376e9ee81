/**
 * Redis in the cluster under mocks: one ACL user per service (the ACL file
 * holds SHA-256 digests only), each service connecting as its own user with
 * its own Secret key, maxmemory with noeviction, probes as the PING-only
 * user, and an external (managed) Redis by config instead of the StatefulSet.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { REDIS_SERVICE_USERS } from "../../services/redis-acl";
import { SERVICES } from "../../services/topology";
import { isSecret, objects, ofType, plainText, reveal, run, type StackRun } from "./support/stacks";
import { intendedRedisUsers } from "./fixtures/intended-graph";

const deploymentEnv = (r: Awaited<ReturnType<typeof run>>, name: string) =>
  Object.fromEntries((objects(r, "Deployment").find((d) => d.metadata.name === name)!.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
/** The Redis Secret's stringData as recorded: secret marks kept. */
const recordedSecretData = (r: StackRun) => ofType(r, "kubernetes:core/v1:Secret").find((x) => reveal(x.inputs).metadata.name === "redis")!.inputs.stringData;
const stateful = Object.entries(SERVICES).flatMap(([name, spec]) => (spec.redis ? (spec.versions.length > 1 ? spec.versions.map((v) => [name, `${name}-${v}`]) : [[name, name]]) : []));

describe("Redis in the cluster: ACL users, memory limit, external Redis", function () {
  this.timeout(180_000);

  it("runs with the ACL file and maxmemory/noeviction, no requirepass, passwords stored as digests only", async () => {
    const r = await run("dev");
    const secret = reveal(objects(r, "Secret").find((s) => s.metadata.name === "redis")!);
    const data = secret.stringData as Record<string, string>;
    const conf = data["redis.conf"]!;
    expect(conf).to.contain("aclfile /etc/redis/users.acl\n").and.contain("maxmemory 384mb\n").and.contain("maxmemory-policy noeviction\n");
    expect(conf).not.to.contain("requirepass");
    const acl = data["users.acl"]!.trim().split("\n");
    expect(acl[0]).to.match(/^user default off resetpass /);
    for (const user of [...REDIS_SERVICE_USERS, "probe"]) {
      const password = data[`${user}-password`]!;
      expect(password, user).to.match(/^[0-9a-f]{64}$/);
      const line = acl.find((l) => l.startsWith(`user ${user} `))!;
      expect(line, user).to.contain(` #${createHash("sha256").update(password).digest("hex")} `);
      expect(data["users.acl"]).not.to.contain(password);
    }
    expect(isSecret(recordedSecretData(r)), "the Secret's data is a Pulumi secret").to.equal(true);
    const [sts] = objects(r, "StatefulSet");
    const container = sts.spec.template.spec.containers[0];
    expect(container.livenessProbe.exec.command[0]).to.equal("redis-cli");
    expect(container.livenessProbe.exec.command.slice(-3), "as the PING-only user").to.deep.equal(["--user", "probe", "ping"]);
    expect(container.env).to.deep.equal([{ name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: "redis", key: "probe-password" } } }]);
    expect(sts.spec.template.spec.volumes[0].secret.items.map((i: { key: string }) => i.key)).to.deep.equal(["redis.conf", "users.acl"]);
  });

  it("connects every stateful service as its own ACL user, with its own password key", async () => {
    const r = await run("dev");
    for (const [service, deployment] of stateful) {
      const env = deploymentEnv(r, deployment!);
      expect(env.REDIS_URL, deployment).to.equal(`redis://${service}@redis.meshmart.svc.cluster.local:6379`);
      expect(env.REDIS_PASSWORD, deployment).to.deep.equal({ secretKeyRef: { name: "redis", key: `${service}-password` } });
    }
    expect(deploymentEnv(r, "gateway")).not.to.have.property("REDIS_URL");
  });

  it("alerts before maxmemory, at 80% of it", async () => {
    for (const [variant, bytes] of [["dev", 384 * 1024 ** 2], ["devExternalRedis", 1024 ** 3]] as const) {
      const [rule] = objects(await run(variant), "PrometheusRule");
      const alert = rule.spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules).find((x: { alert: string }) => x.alert === "MeshmartRedisMemoryNearLimit");
      expect(alert.expr, variant).to.match(new RegExp(`container="redis"\\}\\) > ${Math.floor(bytes * 0.8)}$`));
    }
  });

  it("points at an external Redis over TLS instead: no StatefulSet, Service or volume; the users' passwords stay secret", async () => {
    const r = await run("devExternalRedis");
    expect(objects(r, "StatefulSet")).to.deep.equal([]);
    expect(objects(r, "Service").map((s) => s.metadata.name)).not.to.include("redis");
    const secretObject = objects(r, "Secret").find((s) => s.metadata.name === "redis")!;
    expect(isSecret(recordedSecretData(r))).to.equal(true);
    expect(Object.keys(reveal(secretObject).stringData).sort()).to.deep.equal(REDIS_SERVICE_USERS.map((u) => `${u}-password`).sort());
    expect(reveal(secretObject).stringData["payment-password"]).to.equal("ext-payment-pw");
    for (const [service, deployment] of stateful) {
      const env = deploymentEnv(r, deployment!);
      expect(env.REDIS_URL, deployment).to.equal(`rediss://${service}@redis.example.test:6380`);
      expect(env.REDIS_PASSWORD, deployment).to.deep.equal({ secretKeyRef: { name: "redis", key: `${service}-password` } });
    }
    const plain = plainText(r.resources.filter((x) => x.type !== "kubernetes:core/v1:Secret").map((x) => x.inputs));
    expect(plain).not.to.contain("ext-payment-pw");
  });

  it("dev: the NetworkPolicies let exactly the stateful services reach the external Redis's address block on its port", async () => {
    const policies = objects(await run("devExternalRedis"), "NetworkPolicy");
    const names = policies.map((p) => p.metadata.name);
    expect(names, "no Redis pod to admit anyone to").not.to.include("redis-ingress");
    const external = { to: [{ ipBlock: { cidr: "203.0.113.10/32" } }], ports: [{ protocol: "TCP", port: 6380 }] };
    for (const policy of policies.filter((p) => p.metadata.name.endsWith("-egress") && p.metadata.name !== "allow-dns")) {
      const app = policy.spec.podSelector.matchLabels.app as string;
      if (REDIS_SERVICE_USERS.includes(app as never)) expect(policy.spec.egress, app).to.deep.include(external);
      else expect(policy.spec.egress, app).not.to.deep.include(external);
      expect(JSON.stringify(policy.spec.egress), app).not.to.contain('"app":"redis"');
    }
    const inCluster = objects(await run("dev"), "NetworkPolicy").map((p) => p.metadata.name);
    expect(inCluster).to.include("redis-ingress");
  });
});

describe("an external Redis in the mesh stacks", function () {
  this.timeout(180_000);
  const REDIS_USERS = intendedRedisUsers();

  for (const variant of ["istioExternalRedis", "linkerdExternalRedis"] as const) {
    it(`${variant}: the namespace boundary lets exactly the Redis users reach its address block on its port`, async () => {
      const policies = objects(await run(variant), "NetworkPolicy");
      const egress = policies.find((p) => p.metadata.name === "redis-external-egress");
      expect(egress, "an egress policy to the external Redis").to.not.equal(undefined);
      expect(egress.spec.podSelector.matchExpressions[0].values.sort()).to.deep.equal([...REDIS_USERS].sort());
      expect(egress.spec.podSelector.matchExpressions[0]).to.include({ key: "app", operator: "In" });
      expect(egress.spec.egress).to.deep.equal([{ to: [{ ipBlock: { cidr: "203.0.113.10/32" } }], ports: [{ protocol: "TCP", port: 6380 }] }]);
    });
  }

  it("istio: registers the external Redis (REGISTRY_ONLY forwards nowhere else), TLS passed through, and no in-cluster Redis rule", async () => {
    const r = await run("istioExternalRedis");
    const entries = objects(r, "ServiceEntry");
    expect(entries.map((e) => [e.metadata.name, e.spec])).to.deep.equal([
      ["redis-external", { hosts: ["redis.example.test"], location: "MESH_EXTERNAL", resolution: "DNS", ports: [{ number: 6380, name: "tls-redis", protocol: "TLS" }] }],
    ]);
    expect(objects(r, "DestinationRule").map((d) => d.metadata.name)).to.not.include("redis");
    expect(objects(await run("istio"), "ServiceEntry")).to.deep.equal([]);
  });
});
