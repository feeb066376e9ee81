/**
 * Image naming and the reference a Deployment uses. A pushed image is
 * referenced by digest (repository@sha256:…), so every new build changes the
 * pod template and rolls the Deployment; a local image is referenced by tag and
 * its image id goes into a pod annotation, which rolls the Deployment too.
 */

export interface ImageNameArgs {
  readonly registryServer: string;
  readonly repository: string;
  readonly service: string;
  readonly tag: string;
}

/** <registry>/<repository>/<service>:<tag> */
export function imageName(a: ImageNameArgs): string {
  return `${a.registryServer}/${a.repository}/${a.service}:${a.tag}`;
}

/** The reference a pod runs: the digest when pushed, the tag when local. */
export function deployedReference(a: { readonly push: boolean; readonly imageName: string; readonly repoDigest: string }): string {
  if (!a.push) return a.imageName;
  if (!a.repoDigest.includes("@sha256:")) {
    throw new Error(`expected a pushed digest reference for ${a.imageName}, got ${JSON.stringify(a.repoDigest)}`);
  }
  return a.repoDigest;
}

/** Pod annotation recording the built image (its digest or local id). */
export const IMAGE_ANNOTATION = "meshmart.dev/image";
