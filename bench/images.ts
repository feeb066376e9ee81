/**
 * `npm run bench:images [-- --cold]`: builds every service image as
 * `npm run images` does, then measures what they weigh and what they share,
 * and writes bench/images.md.
 *
 *   size    - the image's uncompressed size (all its layers)
 *   base    - the base image's layers
 *   shared  - the other layers every service image has (the bundle's chunks)
 *   unique  - layers only this image has: what the service really adds
 *             (goal: <= 2 MB, so a node pulls the shared layers once)
 *
 * --cold first removes the service images and the offline base, so the build
 * time includes making the base (debootstrap); the build is then timed again
 * warm. The bundle goes to a private build context (as in the image tests),
 * so the benchmark never rewrites dist/ under a running `npm start`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SERVICE_NAMES } from "../services/topology";
import { REPO_ROOT, imageRef } from "../scripts/images/image-build";
import type { DockerCli } from "../scripts/images/docker";
import { ensureDockerd } from "../scripts/images/dockerd";
import { onInterrupt } from "../scripts/images/interrupt";
import { saveImages, shareReport, type ImageShare } from "../scripts/images/layers";
import { prepareImages, type Prepared } from "../scripts/images/pipeline";

const UNIQUE_GOAL_BYTES = 2_000_000;
const RESULTS = join(REPO_ROOT, "bench", "images.md");

function log(message: string): void {
  console.log(`bench:images: ${message}`);
}

interface Timed {
  readonly label: string;
  readonly seconds: number;
}

async function timedPrepare(docker: DockerCli, context: string, label: string): Promise<{ prepared: Prepared; timing: Timed }> {
  const started = Date.now();
  const prepared = await prepareImages(docker, { log, context });
  return { prepared, timing: { label, seconds: (Date.now() - started) / 1000 } };
}

async function removeImages(docker: DockerCli, refs: readonly string[]): Promise<void> {
  const present: string[] = [];
  for (const ref of refs) if (await docker.succeeds(["image", "inspect", ref])) present.push(ref);
  if (present.length) await docker.run(["rmi", "--force", ...present]);
  log(`removed ${present.length ? present.join(" ") : "nothing (no cached images)"}`);
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function kb(bytes: number): string {
  return `${(bytes / 1e3).toFixed(1)} KB`;
}

function report(shares: readonly ImageShare[], baseBytes: number, prepared: Prepared, timings: readonly Timed[], engine: string): string {
  const worst = Math.max(...shares.map((s) => s.uniqueBytes));
  const common = shares[0]?.commonBytes ?? 0;
  const total = shares.reduce((n, s) => n + s.uniqueBytes, common);
  const rows = shares.map(
    (s) => `| ${s.ref} | ${mb(s.totalBytes)} | ${mb(baseBytes)} | ${kb(s.commonBytes - baseBytes)} | ${kb(s.uniqueBytes)} | ${s.layers} |`,
  );
  return `# Image sizes

Written by \`npm run bench:images\` (bench/images.ts); do not edit by hand.

- Measured: ${new Date().toISOString()}
- Engine: ${engine}
- Base image: \`${prepared.baseImage}\`
- Sizes are uncompressed layer tarballs from \`docker save\` (what a node
  stores; a registry transfers them gzip-compressed).

| image | size | base | shared bundle | unique to this service | layers |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

- Largest unique part: **${kb(worst)}** (goal: at most ${mb(UNIQUE_GOAL_BYTES)}) - ${worst <= UNIQUE_GOAL_BYTES ? "met" : "NOT MET"}.
- All ${shares.length} images together: ${mb(total)} on a node, against ${mb(shares.reduce((n, s) => n + s.totalBytes, 0))} if nothing were shared.
- payment v1 and v2 are this one payment image (SERVICE_VERSION at run time).

## Build time (offline, this machine)

| run | seconds |
| --- | ---: |
${timings.map((t) => `| ${t.label} | ${t.seconds.toFixed(1)} |`).join("\n")}
`;
}

async function main(): Promise<void> {
  const cold = process.argv.includes("--cold");
  const daemon = await ensureDockerd({ log });
  const context = await mkdtemp(join(tmpdir(), "meshmart-bench-images-"));
  const unregister = onInterrupt(() => daemon.stopSync());
  try {
    const { docker } = daemon;
    const refs = SERVICE_NAMES.map((s) => imageRef(s));
    const timings: Timed[] = [];
    if (cold) {
      const base = (await docker.text(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "meshmart/node-base"]))
        .split("\n")
        .filter(Boolean);
      await removeImages(docker, [...refs, ...base]);
      timings.push((await timedPrepare(docker, context, "cold: make the base (debootstrap), bundle, build 7 images")).timing);
    }
    const { prepared, timing } = await timedPrepare(docker, context, "warm: base cached, bundle, build 7 images");
    timings.push(timing);
    const saved = await saveImages(docker, refs);
    const shares = shareReport(saved);
    const baseLayers = Number(await docker.text(["image", "inspect", "--format", "{{len .RootFS.Layers}}", prepared.baseImage]));
    const baseBytes = (saved.images[0]?.layers ?? []).slice(0, baseLayers).reduce((n, l) => n + (saved.layerBytes.get(l) ?? 0), 0);
    const engine = await docker.text(["version", "--format", "Docker Engine {{.Server.Version}}, client {{.Client.Version}}"]);
    await writeFile(RESULTS, report(shares, baseBytes, prepared, timings, engine));
    for (const s of shares) log(`${s.ref}: ${mb(s.totalBytes)}, unique ${kb(s.uniqueBytes)}`);
    log(`wrote ${RESULTS}`);
  } finally {
    unregister();
    await rm(context, { recursive: true, force: true });
    await daemon.stop();
  }
}

main().catch((err: Error) => {
  console.error(`bench:images: FAILED: ${err.message}`);
  process.exitCode = 1;
});
