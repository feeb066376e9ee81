/**
 * Redis for the services that keep state: a Secret with each ACL user's
 * password (services/redis-acl.ts), and either the in-cluster Redis (a
 * headless Service and a hardened single-replica StatefulSet with a
 * persistent volume, its config and ACL file in the Secret) or, for users who
 * outgrow it, an external (managed) Redis the program only points at.
 */
import { createHmac } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { REDIS_SERVICE_USERS, type RedisServiceUser } from "../../services/redis-acl";
import { REDIS_PORT } from "../../services/topology";
import { pullSecretRefs } from "../images/pull-secret";
import { appLabels } from "../labels";
import {
  ACL_KEY,
  CHECKSUM_ANNOTATION,
  CONFIG_KEY,
  DEFAULT_MAXMEMORY,
  passwordKey,
  REDIS_APP,
  REDIS_METRICS_COMPONENT,
  REDIS_METRICS_SERVICE,
  REDIS_USERS,
  redisAclFile,
  redisConf,
  redisMetricsServiceSpec,
  redisServiceSpec,
  redisStatefulSetSpec,
  userPasswords,
} from "./redis-spec";

/** A Redis the program does not run: its address, TLS, and each service user's password. */
export interface ExternalRedisArgs {
  /** host:port of the managed Redis. */
  readonly address: string;
  /** rediss:// (TLS) when true. */
  readonly tls: boolean;
  /** Per service (ACL user of services/redis-acl.ts, created there by its operator): the password, a Pulumi secret. */
  readonly passwords: pulumi.Input<Record<RedisServiceUser, string>>;
}

export interface RedisArgs {
  readonly namespace: pulumi.Input<string>;
  /** The stack's Redis secret (a Pulumi secret): every ACL user's password derives from it. */
  readonly password: pulumi.Input<string>;
  readonly image: pulumi.Input<string>;
  /** Size of the data volume, e.g. "1Gi". */
  readonly storage: pulumi.Input<string>;
  /** StorageClass of the volume; absent: the cluster's default. */
  readonly storageClass?: pulumi.Input<string>;
  /** maxmemory (redis.conf units, e.g. "384mb"), with the noeviction policy. */
  readonly maxmemory?: string;
  /** Secrets the cluster pulls the image with (a private registry). */
  readonly imagePullSecrets?: pulumi.Input<string>[];
  /** An external Redis instead: then no StatefulSet, Service or volume is created here. */
  readonly external?: ExternalRedisArgs;
}

/** The URL a service's REDIS_URL is built from: redis://<host>:<port>, rediss:// for TLS. */
export function redisBaseUrl(args: { readonly namespace: string; readonly serviceName: string } | ExternalRedisArgs): string {
  if ("address" in args) return `${args.tls ? "rediss" : "redis"}://${args.address}`;
  return `redis://${args.serviceName}.${args.namespace}.svc.cluster.local:${REDIS_PORT}`;
}

export class Redis extends pulumi.ComponentResource {
  /** The in-cluster Service's name, or the external address. */
  public readonly serviceName: pulumi.Output<string>;
  /** redis://host:port (rediss:// with TLS), without credentials: each service adds its user name. */
  public readonly url: pulumi.Output<string>;
  /** The Secret holding each user's password under passwordKey(user). */
  public readonly secretName: pulumi.Output<string>;
  /** The service account Redis runs as (its mesh identity); absent for an external Redis. */
  public readonly serviceAccountName?: pulumi.Output<string>;
  /**
   * The pod-template annotation of Redis and its clients: a checksum of the
   * Secret keyed with a random key kept in state, so it changes with the
   * passwords without being a verifier of them.
   */
  public readonly checksumAnnotation: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:data:Redis", name, args, opts);
    const labels = appLabels({ app: REDIS_APP, component: "database" });
    const meta = { name: REDIS_APP, namespace: args.namespace, labels };
    const external = args.external;
    // what the Secret holds: every user's password, and for our own Redis its config and ACL file
    const contents: pulumi.Output<Record<string, string>> = external
      ? pulumi.output(external.passwords).apply((passwords): Record<string, string> => Object.fromEntries(REDIS_SERVICE_USERS.map((user) => [passwordKey(user), requirePassword(passwords, user)])))
      : pulumi.output(args.password).apply((secret): Record<string, string> => {
          const passwords = userPasswords(secret);
          return {
            ...Object.fromEntries(REDIS_USERS.map((user) => [passwordKey(user), passwords[user]])),
            [CONFIG_KEY]: redisConf(args.maxmemory ?? DEFAULT_MAXMEMORY),
            [ACL_KEY]: redisAclFile(passwords),
          };
        });
    const secretData = pulumi.secret(contents);

    const secret = new k8s.core.v1.Secret(`${name}-secret`, { metadata: meta, type: "Opaque", stringData: secretData }, { parent: this });
    const checksumKey = new random.RandomPassword(`${name}-checksum-key`, { length: 32, special: false }, { parent: this });
    this.checksumAnnotation = pulumi.unsecret(
      pulumi.all([checksumKey.result, secretData]).apply(([key, data]): Record<string, string> => ({
        [CHECKSUM_ANNOTATION]: createHmac("sha256", key).update(JSON.stringify(Object.entries(data).sort())).digest("hex"),
      })),
    );
    this.secretName = secret.metadata.name;

    if (external) {
      this.serviceName = pulumi.output(external.address);
      this.url = pulumi.output(redisBaseUrl(external));
      this.registerOutputs({ serviceName: this.serviceName, secretName: this.secretName, url: this.url });
      return;
    }

    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: meta, automountServiceAccountToken: false, imagePullSecrets: pullSecretRefs(args.imagePullSecrets) },
      { parent: this },
    );
    const service = new k8s.core.v1.Service(`${name}-svc`, { metadata: meta, spec: redisServiceSpec() }, { parent: this });
    // the exporter sidecar's metrics, apart from Redis's own port
    new k8s.core.v1.Service(
      `${name}-metrics-svc`,
      { metadata: { name: REDIS_METRICS_SERVICE, namespace: args.namespace, labels: appLabels({ app: REDIS_APP, component: REDIS_METRICS_COMPONENT }) }, spec: redisMetricsServiceSpec() },
      { parent: this },
    );
    new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta,
        spec: pulumi
          .all([args.image, args.storage, args.storageClass, secret.metadata.name, service.metadata.name, this.checksumAnnotation])
          .apply(([image, storage, storageClass, secretName, serviceName, podAnnotations]) =>
            redisStatefulSetSpec({ image, storage, storageClass, secretName, serviceName, podAnnotations }),
          ),
      },
      { parent: this, dependsOn: [sa] },
    );

    this.serviceName = service.metadata.name;
    this.url = pulumi.all([args.namespace, service.metadata.name]).apply(([namespace, serviceName]) => redisBaseUrl({ namespace, serviceName }));
    this.serviceAccountName = sa.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName, secretName: this.secretName, serviceAccountName: this.serviceAccountName, url: this.url });
  }
}

function requirePassword(passwords: Record<string, string>, user: RedisServiceUser): string {
  const password = passwords[user];
  if (!password) throw new Error(`the external Redis needs a password for the ACL user "${user}" (meshmart:redisExternalPasswords.${user})`);
  return password;
}
