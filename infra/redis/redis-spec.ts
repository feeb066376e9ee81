/**
 * Pure builders of Redis's objects: its configuration and ACL file (in a
 * Secret, not on the command line), each ACL user's password, and the
 * hardened StatefulSet with a volume claim template.
 */
import { createHash, createHmac } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import { aclFile, REDIS_ACL, REDIS_EXPORTER_USER, REDIS_PROBE_USER, type RedisUser } from "../../services/redis-acl";
import { REDIS_PORT } from "../../services/topology";
import { recommendedLabels, versionSelector } from "../labels";
import { addResources } from "../quota";
import { containerSecurityContext, podSecurityContext, type Resources } from "../workload/spec";

export const REDIS_APP = "redis";
export const REDIS_VERSION = "v1";
/** The official image's redis user and group. */
export const REDIS_UID = 999;
export const REDIS_GID = 1000;
/** Keys of the Redis Secret: the server's config and ACL file, and each ACL user's password (passwordKey). */
export const CONFIG_KEY = "redis.conf";
export const ACL_KEY = "users.acl";
/** Where the Secret is mounted. */
export const CONFIG_DIR = "/etc/redis";

/** The Secret key holding `user`'s password: what REDIS_PASSWORD of that service reads. */
export function passwordKey(user: RedisUser): string {
  return `${user}-password`;
}

/** Every ACL user (services/redis-acl.ts). */
export const REDIS_USERS = Object.keys(REDIS_ACL) as RedisUser[];

/**
 * Each ACL user's password, derived from the one Redis secret of the stack
 * (meshmart:redisPassword, or a generated one) with HMAC-SHA256: stable
 * across updates, all rotated when it is, and none reveals another.
 */
export function userPasswords(secret: string): { [U in RedisUser]: string } {
  return Object.fromEntries(REDIS_USERS.map((user) => [user, createHmac("sha256", secret).update(`meshmart-redis-user:${user}`).digest("hex")])) as { [U in RedisUser]: string };
}

/** The ACL file of the in-cluster Redis: passwords as SHA-256 digests only. */
export function redisAclFile(passwords: { readonly [U in RedisUser]: string }): string {
  const hashed = Object.fromEntries(REDIS_USERS.map((user) => [user, { sha256: createHash("sha256").update(passwords[user]).digest("hex") }])) as Parameters<typeof aclFile>[0];
  return aclFile(hashed);
}

/**
 * Redis's memory limit by default: 384mb of the container's 512Mi, leaving
 * room for fragmentation, client buffers and the copy-on-write of AOF rewrites.
 */
export const DEFAULT_MAXMEMORY = "384mb";

/**
 * The largest maxmemory the in-cluster Redis may be given: 90% of its
 * container's 512Mi limit (REDIS_RESOURCES), or the kernel kills it before
 * Redis refuses a write.
 */
export const MAXMEMORY_CEILING = "460mb";

/** A maxmemory value in bytes (redis.conf units: 1k = 1000, 1kb = 1024, …). */
export function memoryBytes(value: string): number {
  const match = /^(\d+)(k|kb|m|mb|g|gb)?$/i.exec(value);
  if (!match) throw new Error(`not a redis.conf memory size: "${value}"`);
  const unit = (match[2] ?? "").toLowerCase();
  const factor = { "": 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 }[unit]!;
  return Number(match[1]) * factor;
}
/**
 * Pod-template annotation of Redis and of every service that uses it: a keyed
 * checksum of the Secret, so a password change rolls server and clients
 * together (a client left with the old password fails later, not now).
 */
export const CHECKSUM_ANNOTATION = "meshmart.dev/redis-secret-checksum";

export const REDIS_RESOURCES: Resources = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

/**
 * redis.conf: persistence on the volume, the ACL users (no requirepass: it is
 * ignored with an aclfile), and a memory limit that never evicts: with
 * `noeviction` a full Redis refuses writes (OOM, which the services answer
 * with 503) instead of dropping keys. Every volatile-* policy could evict an
 * idempotency record, which carries a TTL, and so allow a double charge.
 */
export function redisConf(maxmemory: string = DEFAULT_MAXMEMORY): string {
  memoryBytes(maxmemory);
  return [
    `port ${REDIS_PORT}`,
    "bind * -::*",
    "protected-mode yes",
    "dir /data",
    "appendonly yes",
    "appendfsync everysec",
    `aclfile ${CONFIG_DIR}/${ACL_KEY}`,
    `maxmemory ${maxmemory}`,
    "maxmemory-policy noeviction",
    "",
  ].join("\n");
}

/**
 * Redis's metrics exporter, a sidecar in Redis's pod: oliver006/redis_exporter
 * v1.88.0 by exact tag (its digest is not established here: two public pins
 * of that tag disagree; pin it with `docker buildx imagetools inspect`). A
 * scratch image whose one binary runs as the pod's user.
 */
export const REDIS_EXPORTER_IMAGE = "oliver006/redis_exporter:v1.88.0";
/** Its metrics port (redis_exporter's default --web.listen-address :9121), named for the monitors. */
export const REDIS_EXPORTER_PORT = 9121;
export const REDIS_EXPORTER_PORT_NAME = "metrics";
export const REDIS_EXPORTER_RESOURCES: Resources = {
  requests: { cpu: "10m", memory: "16Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
};

/** What Redis's pod asks for and may use: Redis and its exporter (the namespace's quota counts both). */
export const REDIS_POD_RESOURCES: Resources = addResources(REDIS_RESOURCES, REDIS_EXPORTER_RESOURCES);

/**
 * The exporter's command line: Redis on the pod's loopback as its own ACL
 * user (password from REDIS_PASSWORD), no CONFIG GET (--config-command=-:
 * maxmemory comes from INFO), and no /scrape endpoint, which would let a
 * caller point it at any other Redis (--disable-scrape-endpoint). Flags of
 * redis_exporter v1.88.0 main.go.
 */
export function redisExporterArgs(): string[] {
  return [
    `--redis.addr=redis://127.0.0.1:${REDIS_PORT}`,
    `--redis.user=${REDIS_EXPORTER_USER}`,
    "--config-command=-",
    "--disable-scrape-endpoint",
    `--web.listen-address=:${REDIS_EXPORTER_PORT}`,
  ];
}

export interface RedisSpecArgs {
  readonly image: string;
  readonly secretName: string;
  readonly serviceName: string;
  readonly storage: string;
  readonly storageClass?: string;
  /** Annotations of the pod template (the Secret's checksum). */
  readonly podAnnotations?: Record<string, string>;
}

export function redisStatefulSetSpec(args: RedisSpecArgs): k8s.types.input.apps.v1.StatefulSetSpec {
  const labels = recommendedLabels({ app: REDIS_APP, version: REDIS_VERSION, component: "database" });
  const secretEnv = (name: string): k8s.types.input.core.v1.EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: args.secretName, key: passwordKey(REDIS_PROBE_USER) } },
  });
  // the probe user may PING and nothing else; redis-cli takes its password from REDISCLI_AUTH
  // -e: an error reply (a wrong password, LOADING while the AOF replays) exits non-zero,
  // so the probe fails instead of passing on any answer (redis-cli.c, set_errcode).
  const ping = { exec: { command: ["redis-cli", "-e", "--user", REDIS_PROBE_USER, "ping"] } };
  return {
    serviceName: args.serviceName,
    replicas: 1,
    selector: { matchLabels: versionSelector(REDIS_APP, REDIS_VERSION) },
    updateStrategy: { type: "RollingUpdate" },
    template: {
      metadata: { labels, ...(args.podAnnotations ? { annotations: args.podAnnotations } : {}) },
      spec: {
        serviceAccountName: REDIS_APP,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 30,
        securityContext: podSecurityContext(REDIS_UID, REDIS_GID),
        containers: [
          {
            name: REDIS_APP,
            image: args.image,
            imagePullPolicy: "IfNotPresent",
            command: ["redis-server", `${CONFIG_DIR}/${CONFIG_KEY}`],
            ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
            // redis-cli reads REDISCLI_AUTH, so the probes never show the password.
            env: [secretEnv("REDISCLI_AUTH")],
            resources: REDIS_RESOURCES,
            securityContext: containerSecurityContext(),
            startupProbe: { ...ping, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
            // Not a TCP probe: in a mesh the proxy accepts the connection even when Redis hangs.
            livenessProbe: { ...ping, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
            readinessProbe: { ...ping, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "config", mountPath: CONFIG_DIR, readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
          {
            name: "exporter",
            image: REDIS_EXPORTER_IMAGE,
            imagePullPolicy: "IfNotPresent",
            args: redisExporterArgs(),
            ports: [{ name: REDIS_EXPORTER_PORT_NAME, containerPort: REDIS_EXPORTER_PORT, protocol: "TCP" }],
            env: [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: args.secretName, key: passwordKey(REDIS_EXPORTER_USER) } } }],
            resources: REDIS_EXPORTER_RESOURCES,
            securityContext: containerSecurityContext(),
          },
        ],
        volumes: [
          {
            name: "config",
            secret: {
              secretName: args.secretName,
              items: [
                { key: CONFIG_KEY, path: CONFIG_KEY },
                { key: ACL_KEY, path: ACL_KEY },
              ],
              defaultMode: 0o440,
            },
          },
          { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        ],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "data", labels },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: args.storageClass,
          resources: { requests: { storage: args.storage } },
        },
      },
    ],
  };
}

/** The exporter's Service: what the ServiceMonitor finds (infra/observability), its one port the metrics. */
export const REDIS_METRICS_SERVICE = "redis-metrics";
export const REDIS_METRICS_COMPONENT = "metrics";

export function redisMetricsServiceSpec(): k8s.types.input.core.v1.ServiceSpec {
  return {
    clusterIP: "None",
    selector: versionSelector(REDIS_APP, REDIS_VERSION),
    ports: [{ name: REDIS_EXPORTER_PORT_NAME, port: REDIS_EXPORTER_PORT, targetPort: REDIS_EXPORTER_PORT_NAME, protocol: "TCP", appProtocol: "http" }],
  };
}

/** Headless Service: a stable DNS name for the StatefulSet's pod. */
export function redisServiceSpec(): k8s.types.input.core.v1.ServiceSpec {
  return {
    clusterIP: "None",
    selector: versionSelector(REDIS_APP, REDIS_VERSION),
    ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP", appProtocol: "redis" }],
    publishNotReadyAddresses: false,
  };
}

