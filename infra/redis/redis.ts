/**
 * Redis for the services that keep state: a password Secret, a headless
 * Service, a hardened single-replica StatefulSet with a persistent volume.
 */
import { createHmac } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { pullSecretRefs } from "../images/pull-secret";
import { appLabels } from "../labels";
import { CHECKSUM_ANNOTATION, CONFIG_KEY, PASSWORD_KEY, REDIS_APP, redisConf, redisServiceSpec, redisStatefulSetSpec } from "./spec";

export interface RedisArgs {
  readonly namespace: pulumi.Input<string>;
  /** The password (a Pulumi secret); stored in the Secret only. */
  readonly password: pulumi.Input<string>;
  readonly image: pulumi.Input<string>;
  /** Size of the data volume, e.g. "1Gi". */
  readonly storage: pulumi.Input<string>;
  /** StorageClass of the volume; absent: the cluster's default. */
  readonly storageClass?: pulumi.Input<string>;
  /** Secrets the cluster pulls the image with (a private registry). */
  readonly imagePullSecrets?: pulumi.Input<string>[];
}

export class Redis extends pulumi.ComponentResource {
  /** The Service's name (host of REDIS_URL). */
  public readonly serviceName: pulumi.Output<string>;
  /** The Secret holding the password under `passwordKey`. */
  public readonly secretName: pulumi.Output<string>;
  public readonly passwordKey = PASSWORD_KEY;
  /** The service account Redis runs as (its mesh identity). */
  public readonly serviceAccountName: pulumi.Output<string>;
  /**
   * The pod-template annotation of Redis and its clients: a checksum of the
   * Secret keyed with a random key kept in state, so it changes with the
   * password without being a verifier of it.
   */
  public readonly checksumAnnotation: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:data:Redis", name, args, opts);
    const labels = appLabels({ app: REDIS_APP, component: "database" });
    const meta = { name: REDIS_APP, namespace: args.namespace, labels };
    const password = pulumi.secret(args.password);

    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: meta,
        type: "Opaque",
        stringData: { [PASSWORD_KEY]: password, [CONFIG_KEY]: password.apply(redisConf) },
      },
      { parent: this },
    );
    const checksumKey = new random.RandomPassword(`${name}-checksum-key`, { length: 32, special: false }, { parent: this });
    this.checksumAnnotation = pulumi.unsecret(
      pulumi.all([checksumKey.result, password]).apply(([key, pw]): Record<string, string> => ({ [CHECKSUM_ANNOTATION]: createHmac("sha256", key).update(redisConf(pw)).digest("hex") })),
    );
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: meta, automountServiceAccountToken: false, imagePullSecrets: pullSecretRefs(args.imagePullSecrets) },
      { parent: this },
    );
    const service = new k8s.core.v1.Service(`${name}-svc`, { metadata: meta, spec: redisServiceSpec() }, { parent: this });
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
    this.secretName = secret.metadata.name;
    this.serviceAccountName = sa.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName, secretName: this.secretName, serviceAccountName: this.serviceAccountName });
  }
}
