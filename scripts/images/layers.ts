/**
 * What the service images share. `docker save` of all of them writes every
 * layer once plus a manifest naming each image's layers; from that we get the
 * exact uncompressed size of every layer and which images use it, so "bytes
 * unique to a service" is the sum of the layers no other service image has.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import type { DockerCli } from "./docker";

export interface SavedImage {
  readonly ref: string;
  /** Layer paths inside the saved archive, base first. */
  readonly layers: readonly string[];
}

export interface SavedImages {
  readonly images: readonly SavedImage[];
  /** Uncompressed tar size of each layer, by archive path. */
  readonly layerBytes: ReadonlyMap<string, number>;
}

export interface ImageShare {
  readonly ref: string;
  /** Sum of all its layers. */
  readonly totalBytes: number;
  /** Layers every image in the set has (base, shared chunks). */
  readonly commonBytes: number;
  /** Layers no other image in the set has: what this service adds. */
  readonly uniqueBytes: number;
  readonly layers: number;
}

/** Splits each image's bytes into common-to-all, and unique-to-it. */
export function shareReport(saved: SavedImages): ImageShare[] {
  const users = new Map<string, number>();
  for (const image of saved.images) for (const layer of new Set(image.layers)) users.set(layer, (users.get(layer) ?? 0) + 1);
  const size = (layer: string): number => {
    const bytes = saved.layerBytes.get(layer);
    if (bytes === undefined) throw new Error(`layer ${layer} is in the manifest but not in the archive`);
    return bytes;
  };
  return saved.images.map((image) => {
    const layers = [...new Set(image.layers)];
    const sum = (pick: (layer: string) => boolean) => layers.filter(pick).reduce((n, l) => n + size(l), 0);
    return {
      ref: image.ref,
      totalBytes: sum(() => true),
      commonBytes: sum((l) => users.get(l) === saved.images.length),
      uniqueBytes: sum((l) => users.get(l) === 1),
      layers: layers.length,
    };
  });
}

/** `docker save` of `refs`, read as a stream: layer sizes and the manifest, no temp file. */
export async function saveImages(docker: DockerCli, refs: readonly string[]): Promise<SavedImages> {
  const child = spawn("docker", ["save", ...refs], { env: docker.env(), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const { sizes, files } = await readTar(child.stdout, (name) => name === "manifest.json");
  const code = await exited;
  if (code !== 0) throw new Error(`docker save ${refs.join(" ")} failed (exit ${code}): ${stderr.trim()}`);
  const manifestText = files.get("manifest.json");
  if (!manifestText) throw new Error("docker save wrote no manifest.json");
  return { images: parseManifest(manifestText.toString("utf8"), refs), layerBytes: sizes };
}

/** docker save's manifest.json: [{ RepoTags: [...], Layers: [...] }]. */
export function parseManifest(text: string, refs: readonly string[]): SavedImage[] {
  const entries = JSON.parse(text) as { RepoTags?: string[] | null; Layers: string[] }[];
  return refs.map((ref) => {
    const wanted = ref.includes(":") ? ref : `${ref}:latest`;
    const entry = entries.find((e) => e.RepoTags?.includes(wanted));
    if (!entry) throw new Error(`docker save's manifest has no image tagged ${wanted}`);
    return { ref, layers: entry.Layers };
  });
}

/**
 * Reads a tar stream: the size of every regular file, and the contents of the
 * few files `keep` asks for. Bodies of the rest are skipped as they stream by.
 */
export async function readTar(
  stream: Readable,
  keep: (name: string) => boolean,
): Promise<{ sizes: Map<string, number>; files: Map<string, Buffer> }> {
  const sizes = new Map<string, number>();
  const files = new Map<string, Buffer>();
  let buffer: Buffer = Buffer.alloc(0);
  let skip = 0; // body bytes (incl. padding) still to pass over
  let body: { name: string; size: number; chunks: Buffer[] } | undefined;
  let longName: string | undefined;
  let ended = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (!ended) {
      if (skip > 0) {
        const take = Math.min(skip, buffer.length);
        if (body && body.chunks.reduce((n, c) => n + c.length, 0) < body.size) body.chunks.push(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        skip -= take;
        if (skip > 0) break;
        if (body) {
          const content = Buffer.concat(body.chunks).subarray(0, body.size);
          if (body.name === "././@LongLink") longName = content.toString("utf8").replace(/\0.*$/s, "");
          else files.set(body.name, content);
          body = undefined;
        }
        continue;
      }
      if (buffer.length < 512) break;
      const header = buffer.subarray(0, 512);
      buffer = buffer.subarray(512);
      if (header.every((b) => b === 0)) {
        ended = true;
        break;
      }
      const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
      const prefix = field(345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      longName = undefined;
      const size = Number.parseInt(field(124, 12).trim() || "0", 8);
      const type = field(156, 1) || "0";
      if (type === "0") sizes.set(name, size);
      if ((type === "0" && keep(name)) || type === "L") body = { name: type === "L" ? "././@LongLink" : name, size, chunks: [] };
      skip = Math.ceil(size / 512) * 512;
    }
  }
  return { sizes, files };
}
