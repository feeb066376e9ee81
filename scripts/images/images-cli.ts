/**
 * `npm run images`: every service image, built offline on this machine.
 *
 *   1. a Docker daemon: the machine's, or a private one we start (and stop);
 *   2. the base: BASE_IMAGE if set (an image you have or can pull from a
 *      mirror), otherwise the offline base made once with debootstrap;
 *   3. `npm run build` (the esbuild bundle, on the host);
 *   4. `docker build` of services/Dockerfile for every service.
 *
 * Env: BASE_IMAGE, MESHMART_BASE_FLAVOUR (debian | shellless), IMAGE_TAG
 * (default "local"), IMAGES_VERBOSE=1 (stream the build output),
 * MESHMART_DOCKERD_ROOT, MESHMART_DOCKERD_STORAGE_DRIVER, DEBIAN_MIRROR.
 * See docs/images.md.
 */
import { ensureDockerd } from "./dockerd";
import { onInterrupt } from "./interrupt";
import { prepareImages } from "./pipeline";

function log(message: string): void {
  console.log(`images: ${message}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const daemon = await ensureDockerd({ log });
  const unregister = onInterrupt(() => daemon.stopSync());
  try {
    const { built } = await prepareImages(daemon.docker, {
      log,
      tag: process.env.IMAGE_TAG || "local",
      onLine: process.env.IMAGES_VERBOSE === "1" ? (line) => console.log(`  ${line}`) : undefined,
    });
    log(`${built.length} images in ${((Date.now() - started) / 1000).toFixed(1)} s: ${built.map((b) => b.ref).join(" ")}`);
  } finally {
    unregister();
    await daemon.stop();
  }
}

main().catch((err: Error) => {
  console.error(`images: FAILED: ${err.message}`);
  process.exitCode = 1;
});
