/**
 * Offline base images: a Node runtime made on this machine without a
 * registry, from the node binary that runs this code (process.execPath). The
 * project's commands run on the pinned Node 24 of .ci/node (the official
 * binary, the version of services/Dockerfile's default base), so the images
 * built and tested here run the Node that production's `node:24` base runs.
 * Two recipes:
 *
 *   debian    - what `node:<lts>-bookworm-slim` is: `debootstrap
 *               --variant=minbase bookworm` from Debian's mirror, trimmed of
 *               apt caches, docs and locales, node at /usr/local/bin/node
 *               (where the official images keep it). About 30 s; the default.
 *   shellless - what a distroless Node image is: node at /nodejs/bin/node
 *               (distroless's path), the libraries `ldd` lists, /tmp and a
 *               passwd file; no shell, no package manager. A few seconds.
 *
 * Either is `docker import`ed under a tag naming the recipe, the Node version
 * and a hash of the node binary, so it is made once per machine and reused
 * until one of them changes.
 */
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { withSbin, type DockerCli } from "./docker";

export type BaseFlavour = "debian" | "shellless";

/** Recipe names; bump one when its steps change, so cached bases are remade. */
const RECIPES: Record<BaseFlavour, string> = { debian: "bookworm-minbase-1", shellless: "shellless-2" };
const SUITE = "bookworm";

/** What the debootstrapped tree loses before import: caches, docs, locales. */
const TRIM = [
  "var/cache/apt/archives",
  "var/lib/apt/lists",
  "var/cache/debconf/templates.dat-old",
  "var/log",
  "usr/share/doc",
  "usr/share/man",
  "usr/share/info",
  "usr/share/locale",
  "usr/share/lintian",
];

export interface BaseImageOptions {
  readonly flavour?: BaseFlavour;
  /** The node binary to put in the image (default: the running one, process.execPath). */
  readonly node?: string;
  /** Debian mirror for debootstrap (default DEBIAN_MIRROR or http://deb.debian.org/debian). */
  readonly mirror?: string;
  readonly log?: (message: string) => void;
}

/** The tag of a base made from `nodeBinary`, e.g. meshmart/node-base:24.21.0-bookworm-minbase-1-3f2a9c1d04e5. */
export async function baseImageTag(flavour: BaseFlavour, nodeBinary: string, nodeVersion: string): Promise<string> {
  const digest = await sha256File(nodeBinary);
  return `meshmart/node-base:${nodeVersion.replace(/^v/, "")}-${RECIPES[flavour]}-${digest.slice(0, 12)}`;
}

/** Returns the base image's tag, making and importing it first if the daemon lacks it. */
export async function ensureBaseImage(docker: DockerCli, options: BaseImageOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const flavour = options.flavour ?? "debian";
  const node = options.node ?? process.execPath;
  const version = (await command(node, ["--version"])).trim();
  const tag = await baseImageTag(flavour, node, version);
  if (await docker.succeeds(["image", "inspect", tag])) {
    log(`base image ${tag} is cached`);
    return tag;
  }
  const work = await mkdtemp(join(tmpdir(), "meshmart-base-"));
  const rootfs = join(work, "rootfs");
  try {
    const started = Date.now();
    let nodePath: string;
    if (flavour === "debian") {
      const mirror = options.mirror ?? (process.env.DEBIAN_MIRROR || "http://deb.debian.org/debian");
      log(`making base image ${tag}: debootstrap --variant=minbase ${SUITE} from ${mirror} (about 30 s)`);
      await command("debootstrap", ["--variant=minbase", SUITE, rootfs, mirror], "apt-get install debootstrap");
      await Promise.all(TRIM.map((dir) => rm(join(rootfs, dir), { recursive: true, force: true })));
      nodePath = "/usr/local/bin/node";
    } else {
      log(`making base image ${tag}: node and the libraries ldd lists, no shell`);
      await shelllessTree(node, rootfs);
      nodePath = "/nodejs/bin/node";
    }
    await copyFile(node, join(rootfs, nodePath));
    await chmod(join(rootfs, nodePath), 0o755);
    const tar = spawn("tar", ["--numeric-owner", "-C", rootfs, "-cf", "-", "."], { stdio: ["ignore", "pipe", "inherit"] });
    // Like the images they stand in for: node on PATH in node:*-slim; in
    // distroless only the entrypoint knows /nodejs/bin/node.
    const config =
      flavour === "debian"
        ? ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 'CMD ["node"]']
        : ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", `ENTRYPOINT ["${nodePath}"]`];
    await docker.run(
      [
        "import",
        ...[...config, `ENV NODE_VERSION=${version.replace(/^v/, "")}`].flatMap((change) => ["--change", change]),
        "--message", `meshmart offline base (${RECIPES[flavour]}): node ${version}`,
        "-",
        tag,
      ],
      { input: tar.stdout },
    );
    // The host's node must run on this userland (glibc, libstdc++): prove it now.
    const reported = await docker
      .text(["run", "--rm", "--network", "none", "--entrypoint", nodePath, tag, "--version"])
      .catch((err: Error) => {
        throw new Error(`the base image ${tag} cannot run node: ${err.message}`);
      });
    if (reported !== version) throw new Error(`the base image ${tag} runs node ${reported}, expected ${version}`);
    log(`base image ${tag} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return tag;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** /nodejs/bin, every library `ldd node` lists at its own path, /tmp, /etc/passwd. */
async function shelllessTree(node: string, rootfs: string): Promise<void> {
  await mkdir(join(rootfs, "nodejs", "bin"), { recursive: true });
  await mkdir(join(rootfs, "tmp"), { recursive: true, mode: 0o1777 });
  await chmod(join(rootfs, "tmp"), 0o1777);
  await mkdir(join(rootfs, "etc"), { recursive: true });
  await writeFile(
    join(rootfs, "etc", "passwd"),
    "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n",
  );
  await writeFile(join(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
  const libraries = [...(await command("ldd", [node])).matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
  if (!libraries.length) throw new Error(`ldd lists no libraries for ${node}: is it a dynamically linked ELF binary?`);
  for (const library of libraries) {
    await mkdir(join(rootfs, dirname(library)), { recursive: true });
    await copyFile(library, join(rootfs, library)); // follows symlinks: the real file at the name the loader asks for
  }
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("error", reject)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** Runs a program; resolves with stdout, rejects with its last output lines. */
function command(program: string, args: readonly string[], installHint = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"], env: withSbin() });
    let stdout = "";
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => ((stdout += c), (output += c)));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.on("error", (err: Error & { code?: string }) =>
      reject(err.code === "ENOENT" && installHint ? new Error(`${program} is not installed (${installHint})`) : err),
    );
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${program} ${args.join(" ")} failed (exit ${code}):\n${output.trimEnd().split("\n").slice(-20).join("\n")}`));
    });
  });
}
