/**
 * One container image per service, built from services/Dockerfile with the
 * repository root as context (build args BASE_IMAGE, SERVICE and PORT) and pushed to
 * the registry unless push is off. payment's v1 and v2 share one image; they
 * differ by SERVICE_VERSION only.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { serviceBuildArgs, type ImageName } from "./build-args";
import { deployedReference, imageName } from "./reference";

export interface RegistryArgs {
  /** host[:port] of the registry. */
  readonly server: string;
  readonly username?: pulumi.Input<string>;
  /** A Pulumi secret. */
  readonly password?: pulumi.Input<string>;
}

export interface ServiceImagesArgs {
  /** Images to build: services (names as in the topology), and the load generator when it is deployed. */
  readonly services: readonly ImageName[];
  readonly registry: RegistryArgs;
  /** Repository path under the registry. */
  readonly repository: string;
  readonly tag: string;
  /** Push to the registry; false keeps the images local (kind load / minikube docker-env). */
  readonly push: boolean;
  /** Build context (the repository root) and Dockerfile path, relative to the program's directory. */
  readonly context: string;
  readonly dockerfile: string;
  /** BASE_IMAGE build argument; absent: the Dockerfile's default. */
  readonly baseImage?: pulumi.Input<string>;
  readonly platform: pulumi.Input<string>;
}

export class ServiceImages extends pulumi.ComponentResource {
  /** What each service's pods run: digest reference when pushed, tag when local. */
  public readonly references: Record<string, pulumi.Output<string>>;
  /** Each image's repoDigest (pushed digest, or the local image id). */
  public readonly digests: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ServiceImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:images:ServiceImages", name, args, opts);
    this.references = {};
    this.digests = {};
    const credentials = args.push && args.registry.username !== undefined;
    for (const service of args.services) {
      const buildArgs: Record<string, pulumi.Input<string>> = { ...serviceBuildArgs(service) };
      if (args.baseImage !== undefined) buildArgs["BASE_IMAGE"] = args.baseImage;
      const image = new docker.Image(
        `${name}-${service}`,
        {
          imageName: imageName({ registryServer: args.registry.server, repository: args.repository, service, tag: args.tag }),
          build: { context: args.context, dockerfile: args.dockerfile, args: buildArgs, platform: args.platform },
          skipPush: !args.push,
          registry: credentials
            ? { server: args.registry.server, username: args.registry.username, password: pulumi.secret(args.registry.password ?? "") }
            : undefined,
        },
        { parent: this },
      );
      this.digests[service] = image.repoDigest;
      this.references[service] = pulumi
        .all([image.imageName, image.repoDigest])
        .apply(([built, repoDigest]) => deployedReference({ push: args.push, imageName: built, repoDigest }));
    }
    this.registerOutputs({ references: this.references, digests: this.digests });
  }
}
