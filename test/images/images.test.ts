// The service images, built and run for real on a Docker Engine on this
// machine: no registry, no pull. Builds every image on the offline base,
// runs each one hardened (host network, read-only root, uid 10001, no
// capabilities, no-new-privileges) on a free port with a redis-server of its
// own, and checks what the kernel says about the process, the health check,
// SIGTERM, the gateway reaching catalog across containers, payment v1/v2 from
// one image, a shell-less (distroless-style) base, and the bundle stage
// refusing a broken bundle.
// The bundle is made afresh into a private build context (a copy of the
// repository-root context), so the test sees the current sources and never
// races a concurrent `npm run build` over dist/.
// Cleans up every container, the redis-server, the context and the dockerd it
// started, in after hooks and on SIGINT/SIGTERM.
import { mkdtempSync, rmSync } from "node:fs";
import { cp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import { ENV, SERVICES, SERVICE_NAMES, upstreamUrlEnv, type ServiceName } from "../../services/topology";
import { ensureBaseImage } from "../../scripts/images/base";
import { buildServiceImage, buildServiceImages } from "../../scripts/images/image-build";
import { DockerError } from "../../scripts/images/docker";
import { ensureDockerd, type Daemon } from "../../scripts/images/dockerd";
import { onInterrupt } from "../../scripts/images/interrupt";
import { prepareImages } from "../../scripts/images/pipeline";
import { freePort } from "../../scripts/launcher/ports";
import { startRedisServer, type RedisServerProcess } from "../../scripts/launcher/redis-server";
import { Containers, type Container } from "./containers";

const TAG = "test";

function log(message: string): void {
  if (process.env.IMAGES_VERBOSE === "1") console.log(`      images: ${message}`);
}

describe("service images on a real Docker Engine", function () {
  this.timeout(60_000);
  let daemon: Daemon | undefined;
  let containers: Containers | undefined;
  let redis: RedisServerProcess | undefined;
  let context = "";
  let unregister = (): void => {};
  const images = new Map<ServiceName, string>();
  let offlineBase = "";

  before(async function () {
    this.timeout(20 * 60_000); // a cold machine makes the base first (debootstrap, ~30 s)
    context = mkdtempSync(join(tmpdir(), "meshmart-images-"));
    daemon = await ensureDockerd({ log, lockTimeoutMs: 15 * 60_000 });
    const docker = daemon.docker;
    containers = new Containers(docker);
    unregister = onInterrupt(() => {
      containers?.removeAllSync();
      redis?.stopSync();
      daemon?.stopSync();
      for (const dir of context ? [context, `${context}-broken`] : []) rmSync(dir, { recursive: true, force: true });
    });
    const { built, baseImage } = await prepareImages(docker, { log, context, tag: TAG });
    offlineBase = baseImage;
    for (const image of built) images.set(image.service, image.ref);
    redis = await startRedisServer({ detached: true });
  });

  afterEach(async () => {
    await containers?.removeAll();
  });

  after(async function () {
    this.timeout(120_000);
    try {
      await containers?.removeAll();
    } finally {
      try {
        await redis?.stop();
      } finally {
        unregister();
        if (context) rmSync(context, { recursive: true, force: true });
        await daemon?.stop();
      }
    }
  });

  /** Env for one service: its port, redis when it uses one, every upstream (closed ports unless given). */
  async function envFor(service: ServiceName, upstreams: Partial<Record<ServiceName, string>> = {}): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    if (SERVICES[service].redis) env[ENV.redisUrl] = redis!.url;
    for (const upstream of SERVICES[service].calls) {
      env[upstreamUrlEnv(upstream)] = upstreams[upstream] ?? `http://127.0.0.1:${await freePort()}`;
    }
    return env;
  }

  interface StartOptions {
    /** Base URLs of running upstreams (the others point at closed ports). */
    readonly upstreams?: Partial<Record<ServiceName, string>>;
    readonly env?: Record<string, string>;
    /** More `docker run` flags. */
    readonly flags?: readonly string[];
  }

  /** Runs a service's image hardened on a free port; resolves once /healthz answers. */
  async function start(service: ServiceName, options: StartOptions = {}): Promise<Container> {
    const env = { ...(await envFor(service, options.upstreams)), ...options.env };
    const container = await containers!.run(service, images.get(service)!, await freePort(), env, options.flags);
    await containers!.waitForHttp(container, "/healthz");
    return container;
  }

  it("builds every service on the offline base, sharing every layer but the service's entry", async () => {
    const docker = daemon!.docker;
    const layers: string[][] = [];
    for (const service of SERVICE_NAMES) {
      const config = JSON.parse(await docker.text(["image", "inspect", "--format", "{{json .}}", images.get(service)!]));
      expect(config.Config.User, service).to.equal("10001:10001");
      expect(Object.keys(config.Config.ExposedPorts ?? {}), service).to.deep.equal([`${SERVICES[service].port}/tcp`]);
      expect(config.Config.Env, service).to.include.members([`PORT=${SERVICES[service].port}`, `SERVICE_NAME=${service}`]);
      expect(config.Config.Healthcheck.Test.join(" "), service).to.include("/healthz");
      layers.push(config.RootFS.Layers);
    }
    const shared = layers[0]!.slice(0, -1);
    for (const [i, list] of layers.entries()) {
      expect(list.slice(0, -1), SERVICE_NAMES[i]).to.deep.equal(shared);
    }
    expect(new Set(layers.map((list) => list.at(-1))).size, "one entry layer per service").to.equal(SERVICE_NAMES.length);
  });

  it("runs the test runner's own node (the offline base is made from it): node --version in the base and the images is process.version", async () => {
    const docker = daemon!.docker;
    for (const ref of [offlineBase, ...images.values()]) {
      const reported = await docker.text(["run", "--rm", "--network", "none", "--entrypoint", "node", ref, "--version"]);
      expect(reported, ref).to.equal(process.version);
    }
    const env = JSON.parse(await docker.text(["image", "inspect", "--format", "{{json .Config.Env}}", offlineBase])) as string[];
    expect(env, offlineBase).to.include(`NODE_VERSION=${process.version.slice(1)}`);
  });

  for (const service of SERVICE_NAMES) {
    it(`${service}: serves /healthz hardened, as uid 10001 and PID 1, and exits 0 within 5 s of SIGTERM`, async () => {
      const container = await start(service);
      const status = await containers!.status(container);
      expect(status.uid, "uids").to.deep.equal([10001, 10001, 10001, 10001]);
      expect(status.gid, "gids").to.deep.equal([10001, 10001, 10001, 10001]);
      expect(status.capEff, "effective capabilities").to.equal(0n);
      expect(status.noNewPrivs, "no_new_privs").to.equal(true);
      expect(status.nsPid.at(-1), "PID inside the container").to.equal(1);
      const { exitCode, ms } = await containers!.terminate(container);
      expect(exitCode, `exit code\n${await containers!.logs(container)}`).to.equal(0);
      expect(ms, "ms from SIGTERM to exit").to.be.below(5_000);
    });
  }

  it("gateway in a container serves /api/products from a catalog container, and its storefront from the image", async () => {
    const catalog = await start("catalog");
    const gateway = await start("gateway", { upstreams: { catalog: catalog.url } });
    const direct = await (await fetch(`${catalog.url}/products`)).json();
    const response = await fetch(`${gateway.url}/api/products`);
    expect(response.status, await containers!.logs(gateway)).to.equal(200);
    const products = await response.json();
    expect(products).to.deep.equal(direct);
    expect(JSON.stringify(products)).to.match(/"id":\s*"1"/);
    // The page's script and styles live in the gateway bundle, so in the image.
    const page = await fetch(`${gateway.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    const assets = [...(await page.text()).matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets, "assets the page links").to.have.length.greaterThan(1);
    for (const asset of assets) expect((await fetch(`${gateway.url}${asset}`)).status, asset).to.equal(200);
  });

  it("passes its own HEALTHCHECK while hardened", async () => {
    const container = await start("users", { flags: ["--health-interval", "1s", "--health-start-period", "0s"] });
    const deadline = Date.now() + 20_000;
    let health = "";
    while (Date.now() < deadline) {
      health = await daemon!.docker.text(["inspect", "--format", "{{.State.Health.Status}}", container.id]);
      if (health !== "starting") break;
      await sleep(200);
    }
    expect(health, await containers!.logs(container)).to.equal("healthy");
  });

  it("payment v1 and v2 are one image: SERVICE_VERSION decides the version it reports", async () => {
    for (const version of ["v1", "v2"]) {
      const payment = await start("payment", { env: { [ENV.version]: version } });
      const response = await fetch(`${payment.url}/payments`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `images-test-${version}-${Date.now()}` },
        body: JSON.stringify({ user_id: "1", amount_cents: 1234 }),
      });
      expect(response.status, await containers!.logs(payment)).to.equal(201);
      expect(await response.json()).to.include({ version, user_id: "1", amount_cents: 1234 });
    }
  });

  it("builds and runs on a shell-less base laid out like distroless (node only in /nodejs/bin)", async function () {
    this.timeout(180_000);
    const docker = daemon!.docker;
    const baseImage = await ensureBaseImage(docker, { flavour: "shellless", log });
    const [built] = await buildServiceImages(docker, ["catalog"], { baseImage, context, tag: `${TAG}-shellless`, log });
    const shell = await docker.succeeds(["run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", built!.ref, "-c", "true"]);
    expect(shell, "a shell in the image").to.equal(false);
    const reported = await docker.text(["run", "--rm", "--network", "none", "--entrypoint", "/nodejs/bin/node", built!.ref, "--version"]);
    expect(reported, "node in the shell-less image").to.equal(process.version);
    const container = await containers!.run("catalog", built!.ref, await freePort(), {});
    await containers!.waitForHttp(container, "/healthz");
    expect((await containers!.terminate(container)).exitCode).to.equal(0);
  });

  it("refuses to build a bundle that needs a package or a chunk the image does not have", async function () {
    this.timeout(120_000);
    const docker = daemon!.docker;
    const broken = `${context}-broken`;
    const buildBroken = async (): Promise<string> => {
      const error = await buildServiceImage(docker, "users", { baseImage: offlineBase, context: broken, tag: `${TAG}-broken` }).catch((e: unknown) => e);
      expect(error, "the build should fail").to.be.instanceOf(DockerError);
      return (error as DockerError).output;
    };
    await cp(context, broken, { recursive: true });
    try {
      await writeFile(join(broken, "dist/services/users.mjs"), 'import { Hono } from "hono";\nnew Hono();\n');
      expect(await buildBroken()).to.match(/imports "hono", a package that is not bundled/);
      const [chunk] = (await readdir(join(context, "dist/chunks"))).filter((f) => f.endsWith(".mjs"));
      await writeFile(join(broken, "dist/services/users.mjs"), `import "../chunks/${chunk}";\n`);
      await rm(join(broken, "dist/chunks", chunk!));
      expect(await buildBroken()).to.match(/which is not in the image/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
