// The layer accounting behind bench/images.md, on real tar archives made by
// GNU tar (the format docker save writes is the same ustar/GNU tar).
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { parseManifest, readTar, shareReport, type SavedImages } from "../../scripts/images/layers";

describe("image layer accounting", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "meshmart-layers-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function tarOf(files: Record<string, Buffer | string>): Promise<ReturnType<typeof readTar>> {
    const root = await mkdtemp(join(dir, "t-"));
    for (const [name, content] of Object.entries(files)) {
      await mkdir(join(root, name, ".."), { recursive: true });
      await writeFile(join(root, name), content);
    }
    const tar = spawn("tar", ["--format=gnu", "-cf", "-", "-C", root, ...Object.keys(files)], { stdio: ["ignore", "pipe", "inherit"] });
    return readTar(tar.stdout, (name) => name.endsWith(".json"));
  }

  it("reads every file's size and keeps only the files asked for", async () => {
    const longName = `${"d".repeat(90)}/${"e".repeat(40)}/layer.tar`; // > 100 chars: a GNU long-name entry
    const { sizes, files } = await tarOf({
      "manifest.json": '[{"RepoTags":["a:1"],"Layers":["x/layer.tar"]}]',
      "x/layer.tar": Buffer.alloc(1_234_567, 7),
      "y/layer.tar": "",
      [longName]: Buffer.alloc(513, 1),
    });
    expect(sizes.get("x/layer.tar")).to.equal(1_234_567);
    expect(sizes.get("y/layer.tar")).to.equal(0);
    expect(sizes.get(longName)).to.equal(513);
    expect([...files.keys()]).to.deep.equal(["manifest.json"]);
    expect(JSON.parse(files.get("manifest.json")!.toString())[0].Layers).to.deep.equal(["x/layer.tar"]);
  });

  it("splits each image into layers common to all and layers unique to it", () => {
    const saved: SavedImages = {
      images: [
        { ref: "meshmart/a:t", layers: ["base", "chunks", "a"] },
        { ref: "meshmart/b:t", layers: ["base", "chunks", "b"] },
        { ref: "meshmart/c:t", layers: ["base", "other", "c"] },
      ],
      layerBytes: new Map([
        ["base", 100_000],
        ["chunks", 3_000],
        ["other", 500],
        ["a", 10],
        ["b", 20],
        ["c", 30],
      ]),
    };
    expect(shareReport(saved)).to.deep.equal([
      { ref: "meshmart/a:t", totalBytes: 103_010, commonBytes: 100_000, uniqueBytes: 10, layers: 3 },
      { ref: "meshmart/b:t", totalBytes: 103_020, commonBytes: 100_000, uniqueBytes: 20, layers: 3 },
      { ref: "meshmart/c:t", totalBytes: 100_530, commonBytes: 100_000, uniqueBytes: 530, layers: 3 },
    ]);
  });

  it("refuses a manifest that names a layer the archive lacks, or lacks an image", () => {
    expect(() => shareReport({ images: [{ ref: "r", layers: ["gone"] }], layerBytes: new Map() })).to.throw(/gone/);
    expect(() => parseManifest('[{"RepoTags":["meshmart/a:t"],"Layers":[]}]', ["meshmart/b:t"])).to.throw(/meshmart\/b:t/);
    expect(parseManifest('[{"RepoTags":["meshmart/a:latest"],"Layers":["l"]}]', ["meshmart/a"])).to.deep.equal([
      { ref: "meshmart/a", layers: ["l"] },
    ]);
  });
});
