// The storefront travels inside the gateway's bundle: run the gateway from
// exactly the files its container image gets (services/Dockerfile and
// .dockerignore: the service's entry and dist/chunks/*.mjs, nothing else) and
// it serves the page and every asset. The other services' bundles carry none
// of it.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { ENV, SERVICE_NAMES, upstreamUrlEnv } from "../../services/topology";
import { bundle } from "../support/test-dist";
import { closedUrl } from "../support/loopback-http";
import { storefrontAssets } from "../support/test-storefront";

describe("the gateway bundle carries the storefront", function () {
  this.timeout(60_000);
  let dist: string;
  let image: string;
  let gateway: ServiceProcess | undefined;

  before(async function () {
    this.timeout(90_000);
    dist = await bundle();
    image = await mkdtemp(join(tmpdir(), "meshmart-gateway-image-"));
    await mkdir(join(image, "services"));
    await mkdir(join(image, "chunks"));
    await copyFile(join(dist, "services", "gateway.mjs"), join(image, "services", "gateway.mjs"));
    for (const chunk of (await readdir(join(dist, "chunks"))).filter((name) => name.endsWith(".mjs"))) {
      await copyFile(join(dist, "chunks", chunk), join(image, "chunks", chunk));
    }
  });

  after(async () => {
    if (gateway && gateway.child.exitCode === null) gateway.child.kill("SIGKILL");
    await rm(image, { recursive: true, force: true });
  });

  it("serves the page and every hashed asset from the image's files alone, then stops cleanly", async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, [ENV.port]: "0", [ENV.host]: "127.0.0.1" };
    for (const upstream of ["catalog", "cart", "orders", "users"] as const) env[upstreamUrlEnv(upstream)] = await closedUrl();
    gateway = await spawnService({ service: "gateway", distDir: image, env });
    const base = `http://127.0.0.1:${gateway.port}`;
    const page = await fetch(`${base}/`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    for (const asset of await storefrontAssets()) {
      expect(html, asset.name).to.include(`/assets/${asset.file}`);
      const response = await fetch(`${base}/assets/${asset.file}`);
      expect(response.status, asset.file).to.equal(200);
      expect(await response.text(), asset.file).to.equal(asset.body);
    }
    gateway.child.kill("SIGTERM");
    expect((await gateway.exited).code).to.equal(0);
  });

  it("only the gateway's bundle holds the assets; the other services' bundles are unchanged by them", async () => {
    const files = (await storefrontAssets()).map((asset) => asset.file);
    const holders: string[] = [];
    for (const name of SERVICE_NAMES) {
      const source = await readFile(join(dist, "services", `${name}.mjs`), "utf8");
      if (files.some((file) => source.includes(file))) holders.push(name);
    }
    for (const chunk of (await readdir(join(dist, "chunks"))).filter((name) => name.endsWith(".mjs"))) {
      const source = await readFile(join(dist, "chunks", chunk), "utf8");
      if (files.some((file) => source.includes(file))) holders.push(`chunks/${chunk}`);
    }
    expect(holders).to.deep.equal(["gateway"]);
  });
});
