/**
 * Pure builders of Redis's objects: its configuration (password included, so
 * it lives in a Secret, not on the command line) and the hardened StatefulSet
 * with a volume claim template.
 */
import type * as k8s from "@pulumi/kubernetes";
import { REDIS_PORT } from "../../services/topology";
import { recommendedLabels, versionSelector } from "../labels";
import { containerSecurityContext, podSecurityContext, type Resources } from "../workload/spec";

export const REDIS_APP = "redis";
export const REDIS_VERSION = "v1";
/** The official image's redis user and group. */
export const REDIS_UID = 999;
export const REDIS_GID = 1000;
/** Keys of the Redis Secret: the clients' password and the server's config. */
export const PASSWORD_KEY = "password";
export const CONFIG_KEY = "redis.conf";
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

/** redis.conf: persistence on the volume, authentication required. */
export function redisConf(password: string): string {
  return [
    `port ${REDIS_PORT}`,
    "bind * -::*",
    "protected-mode yes",
    "dir /data",
    "appendonly yes",
    "appendfsync everysec",
    `requirepass ${password}`,
    "",
  ].join("\n");
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
    valueFrom: { secretKeyRef: { name: args.secretName, key: PASSWORD_KEY } },
  });
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
            command: ["redis-server", "/etc/redis/redis.conf"],
            ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
            // redis-cli reads REDISCLI_AUTH, so the probes never show the password.
            env: [secretEnv("REDISCLI_AUTH")],
            resources: REDIS_RESOURCES,
            securityContext: containerSecurityContext(),
            startupProbe: { exec: { command: ["redis-cli", "ping"] }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
            // Not a TCP probe: in a mesh the proxy accepts the connection even when Redis hangs.
            livenessProbe: { exec: { command: ["redis-cli", "ping"] }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
            readinessProbe: { exec: { command: ["redis-cli", "ping"] }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "config", mountPath: "/etc/redis", readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          { name: "config", secret: { secretName: args.secretName, items: [{ key: CONFIG_KEY, path: CONFIG_KEY }], defaultMode: 0o440 } },
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

/** Headless Service: a stable DNS name for the StatefulSet's pod. */
export function redisServiceSpec(): k8s.types.input.core.v1.ServiceSpec {
  return {
    clusterIP: "None",
    selector: versionSelector(REDIS_APP, REDIS_VERSION),
    ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP", appProtocol: "redis" }],
    publishNotReadyAddresses: false,
  };
}

