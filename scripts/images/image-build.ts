/**
 * Builds the service images from services/Dockerfile, exactly as the Pulumi
 * program does (context = repository root, build args BASE_IMAGE, SERVICE and PORT),
 * with `--network host` because our dockerd has no bridge.
 */
import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { serviceBuildArgs } from "../../infra/images/build-args";
import type { ServiceName } from "../../services/topology";
import type { DockerCli } from "./docker";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const DOCKERFILE = "services/Dockerfile";

/** The local tag of a service image, e.g. meshmart/catalog:local. */
export function imageRef(service: ServiceName, tag = "local"): string {
  return `meshmart/${service}:${tag}`;
}

/** The build args for one service: what the Pulumi program passes too. */
export function buildArgs(service: ServiceName, baseImage: string): Record<string, string> {
  return { BASE_IMAGE: baseImage, ...serviceBuildArgs(service) };
}

export interface BuildOptions {
  readonly baseImage: string;
  readonly tag?: string;
  /** Build context (default: the repository root). */
  readonly context?: string;
  readonly onLine?: (line: string) => void;
}

/** Fails with the next step when the host-side bundle is missing. */
export async function assertBundled(services: readonly ServiceName[], context = REPO_ROOT): Promise<void> {
  const missing: string[] = [];
  for (const service of services) {
    const entry = join("dist", "services", `${service}.mjs`);
    await access(join(context, entry)).catch(() => missing.push(entry));
  }
  if (missing.length) throw new Error(`the bundle is missing ${missing.join(", ")}: run npm run build first`);
}

/** Builds one service image; resolves with its image id. */
export async function buildServiceImage(docker: DockerCli, service: ServiceName, options: BuildOptions): Promise<string> {
  const ref = imageRef(service, options.tag);
  const args = Object.entries(buildArgs(service, options.baseImage)).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  const context = options.context ?? REPO_ROOT;
  await docker.run(["build", "--network", "host", "--force-rm", "--file", join(context, DOCKERFILE), ...args, "--tag", ref, context], {
    onLine: options.onLine,
  });
  return docker.text(["image", "inspect", "--format", "{{.Id}}", ref]);
}

export interface BuiltImage {
  readonly service: ServiceName;
  readonly ref: string;
  readonly id: string;
  readonly seconds: number;
}

/** Builds the images of `services` one after the other (two cores: no gain in parallel). */
export async function buildServiceImages(
  docker: DockerCli,
  services: readonly ServiceName[],
  options: BuildOptions & { readonly log?: (message: string) => void },
): Promise<BuiltImage[]> {
  await assertBundled(services, options.context);
  const built: BuiltImage[] = [];
  for (const service of services) {
    const started = Date.now();
    const id = await buildServiceImage(docker, service, options);
    const seconds = (Date.now() - started) / 1000;
    built.push({ service, ref: imageRef(service, options.tag), id, seconds });
    options.log?.(`built ${imageRef(service, options.tag)} (${id.slice(7, 19)}) in ${seconds.toFixed(1)} s`);
  }
  return built;
}
