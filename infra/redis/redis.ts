/**
 * Redis for the services that keep state: a password Secret, a headless
 * Service, a hardened single-replica StatefulSet with a persistent volume.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appLabels } from "../labels";
import { CONFIG_KEY, PASSWORD_KEY, REDIS_APP, redisConf, redisServiceSpec, redisStatefulSetSpec } from "./spec";

export interface RedisArgs {
  readonly namespace: pulumi.Input<string>;
  /** The password (a Pulumi secret); stored in the Secret only. */
  readonly password: pulumi.Input<string>;
  readonly image: pulumi.Input<string>;
  /** Size of the data volume, e.g. "1Gi". */
  readonly storage: pulumi.Input<string>;
  /** StorageClass of the volume; absent: the cluster's default. */
  readonly storageClass?: pulumi.Input<string>;
}

export class Redis extends pulumi.ComponentResource {
  /** The Service's name (host of REDIS_URL). */
  public readonly serviceName: pulumi.Output<string>;
  /** The Secret holding the password under `passwordKey`. */
  public readonly secretName: pulumi.Output<string>;
  public readonly passwordKey = PASSWORD_KEY;
  /** The service account Redis runs as (its mesh identity). */
  public readonly serviceAccountName: pulumi.Output<string>;

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
    const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta, automountServiceAccountToken: false }, { parent: this });
    const service = new k8s.core.v1.Service(`${name}-svc`, { metadata: meta, spec: redisServiceSpec() }, { parent: this });
    new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: meta,
        spec: pulumi
          .all([args.image, args.storage, args.storageClass, secret.metadata.name, service.metadata.name])
          .apply(([image, storage, storageClass, secretName, serviceName]) =>
            redisStatefulSetSpec({ image, storage, storageClass, secretName, serviceName }),
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
