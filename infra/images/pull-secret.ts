/**
 * The credentials the cluster pulls the images with from a private registry:
 * a `kubernetes.io/dockerconfigjson` Secret in the shop's namespace, which
 * every service account of the shop references (imagePullSecrets), so every
 * pod pulls with it. The password stays a Pulumi secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../labels";

export interface RegistryPullSecretArgs {
  readonly namespace: pulumi.Input<string>;
  /** host[:port] of the registry, as the images are named. */
  readonly server: string;
  readonly username: pulumi.Input<string>;
  /** A Pulumi secret. */
  readonly password: pulumi.Input<string>;
}

/** The `.dockerconfigjson` document for one registry (the format `kubectl create secret docker-registry` writes). */
export function dockerConfigJson(server: string, username: string, password: string): string {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [server]: { username, password, auth } } });
}

/** A ServiceAccount's imagePullSecrets for these Secret names (absent when there are none). */
export function pullSecretRefs(names: pulumi.Input<string>[] | undefined): { name: pulumi.Input<string> }[] | undefined {
  return names && names.length > 0 ? names.map((name) => ({ name })) : undefined;
}

export class RegistryPullSecret extends pulumi.ComponentResource {
  /** The Secret's name, for imagePullSecrets. */
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: RegistryPullSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:images:RegistryPullSecret", name, args, opts);
    const config = pulumi.secret(pulumi.all([args.username, args.password]).apply(([user, password]) => dockerConfigJson(args.server, user, password)));
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: { name: "registry-pull", namespace: args.namespace, labels: { "app.kubernetes.io/part-of": PART_OF } },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": config },
      },
      { parent: this },
    );
    this.name = secret.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
