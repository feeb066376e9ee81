/**
 * The steps every image user shares (`npm run images`, the size benchmark,
 * the image tests): the base, the host-side bundle, one build per service.
 */
import { spawnSync } from "node:child_process";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { SERVICE_NAMES, type ServiceName } from "../../services/topology";
import { ensureBaseImage, type BaseFlavour } from "./base";
import { DOCKERFILE, REPO_ROOT, buildServiceImages, type BuiltImage } from "./image-build";
import type { DockerCli } from "./docker";

export interface PrepareOptions {
  readonly log: (message: string) => void;
  /** Use this base instead of the offline one (default: BASE_IMAGE from the environment). */
  readonly baseImage?: string;
  /** Run `npm run build` first (default true). */
  readonly bundle?: boolean;
  /**
   * Build context (default: the repository root, as the Pulumi program uses).
   * Another directory gets the repository's Dockerfile, .dockerignore and
   * bundle check copied in and its own bundle in <context>/dist, so a run
   * never races a concurrent `npm run build` over the repository's dist/.
   */
  readonly context?: string;
  readonly services?: readonly ServiceName[];
  readonly tag?: string;
  readonly onLine?: (line: string) => void;
}

export interface Prepared {
  readonly baseImage: string;
  readonly built: readonly BuiltImage[];
}

export async function prepareImages(docker: DockerCli, options: PrepareOptions): Promise<Prepared> {
  const { log } = options;
  const fromEnv = options.baseImage ?? process.env.BASE_IMAGE;
  const baseImage = fromEnv || (await ensureBaseImage(docker, { log, flavour: flavourFromEnv() }));
  if (fromEnv) log(`base image ${fromEnv} (given)`);
  const context = resolve(options.context ?? REPO_ROOT);
  if (context !== REPO_ROOT) await stageContext(context);
  if (options.bundle ?? true) npmRunBuild(log, context);
  const built = await buildServiceImages(docker, options.services ?? SERVICE_NAMES, {
    baseImage,
    context,
    tag: options.tag,
    log,
    onLine: options.onLine,
  });
  return { baseImage, built };
}

/** MESHMART_BASE_FLAVOUR: which offline base to make (debian, the default, or shellless). */
function flavourFromEnv(): BaseFlavour {
  const value = process.env.MESHMART_BASE_FLAVOUR || "debian";
  if (value !== "debian" && value !== "shellless") {
    throw new Error(`MESHMART_BASE_FLAVOUR must be one of debian, shellless; got "${value}"`);
  }
  return value;
}

/** The files of the repository-root context besides the bundle. */
const CONTEXT_FILES = [DOCKERFILE, ".dockerignore", "scripts/images/verify-bundle.mjs"];

async function stageContext(context: string): Promise<void> {
  for (const file of CONTEXT_FILES) {
    await mkdir(dirname(join(context, file)), { recursive: true });
    await copyFile(join(REPO_ROOT, file), join(context, file));
  }
}

function npmRunBuild(log: (message: string) => void, context: string): void {
  const env = { ...process.env };
  if (context !== REPO_ROOT) env.MESHMART_DIST_DIR = join(context, "dist");
  else delete env.MESHMART_DIST_DIR;
  log(`npm run build${env.MESHMART_DIST_DIR ? ` (into ${env.MESHMART_DIST_DIR})` : ""}`);
  const result = spawnSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.error?.message ?? `exit ${result.status}`})`);
}
