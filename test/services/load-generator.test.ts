/**
 * The load generator (services/load-generator) against the real local shop
 * (every service and its own redis-server on 127.0.0.1, as `npm start` runs
 * them): a short run drives every journey through the gateway's public API
 * and reports its figures, which the gateway's own metrics confirm; a slow
 * shop does not slow the offered rate (open loop) and the bound on journeys
 * in flight holds; the CLI refuses bad flags with a clear error and prints
 * plain progress lines and the summary when not on a terminal.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { parseLoadOptions } from "../../services/load-generator/load-options";
import { startLoad } from "../../services/load-generator/open-loop";
import { startHealthServer } from "../../services/load-generator/health-server";
import type { LoadSummary } from "../../services/load-generator/load-report";
import type { Shop } from "../../scripts/launcher/start-shop";
import { localShopSuite } from "../support/local-shop-suite";
import { sampleValue } from "../support/prometheus-text";

const ROOT = join(__dirname, "../..");
/** The journeys and the requests each makes, as issue 12 and the generator's docs define them. */
const JOURNEYS = { browse: 2, view: 1, add: 1, remove: 2, checkout: 2 } as const;

function cli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "services/load-generator/load-generator-main.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function gatewayMetrics(shop: Shop): Promise<string> {
  return (await fetch(`${shop.urls.gateway}/metrics`)).text();
}

describe("load generator against the local shop", function () {
  this.timeout(120_000);
  const local = localShopSuite();
  let shop: Shop;
  beforeEach(() => (shop = local.shop));

  it("drives every journey through the public API and reports per-journey figures the gateway's metrics confirm", async () => {
    const before = await gatewayMetrics(shop);
    const rate = 40;
    const seconds = 3;
    const summary: LoadSummary = await startLoad(parseLoadOptions(["--target", shop.urls.gateway, "--rate", String(rate), "--duration", String(seconds), "--users", "8", "--concurrency", "8"])).done;
    const after = await gatewayMetrics(shop);

    expect(Object.keys(summary.journeys).sort()).to.deep.equal(Object.keys(JOURNEYS).sort());
    for (const [journey, figures] of Object.entries(summary.journeys)) {
      expect(figures.count, journey).to.be.greaterThan(0);
      expect(figures.errors, journey).to.deep.equal({});
      expect(figures.p50Ms, journey).to.be.a("number").and.greaterThan(0);
      expect(figures.p99Ms!, journey).to.be.at.least(figures.p50Ms!);
    }
    expect(summary.errors).to.equal(0);
    expect(summary.dropped).to.equal(0);
    // Every request belongs to a journey that made its fixed number of them.
    const made = Object.entries(JOURNEYS).reduce((n, [j, per]) => n + summary.journeys[j as keyof typeof JOURNEYS].count * per, 0);
    expect(summary.requests).to.equal(made);
    // Open loop at the offered rate: near rate × seconds requests (loose: a shared machine).
    expect(summary.requests).to.be.within(rate * seconds * 0.6, rate * seconds * 1.1);
    expect(summary.target).to.equal(new URL(shop.urls.gateway).origin);

    // The gateway saw exactly these requests on its public routes (discovery's one GET /api/products aside).
    const delta = (route: string, method: string) => sampleValue(after, "http_requests_total", { route, method }) - sampleValue(before, "http_requests_total", { route, method });
    const j = summary.journeys;
    expect(delta("/api/cart/:userId/checkout", "POST"), "checkouts").to.equal(j.checkout.count);
    expect(delta("/api/cart/:userId/items/:productId", "DELETE"), "removes").to.equal(j.remove.count);
    expect(delta("/api/cart/:userId/add", "POST"), "adds").to.equal(j.add.count + j.remove.count + j.checkout.count);
    expect(delta("/api/products/:id", "GET"), "views").to.equal(j.view.count);
    expect(delta("/api/products", "GET"), "product lists").to.equal(j.browse.count + 1);
    // ...and answered no 5xx while doing so.
    const fivexx = after.split("\n").filter((l) => l.startsWith("http_requests_total{") && /status="5\d\d"/.test(l));
    expect(fivexx).to.deep.equal([]);
  });

  it("follows the mix: a journey weighted 0 never runs, the others in proportion", async () => {
    const summary = await startLoad(parseLoadOptions(["--target", shop.urls.gateway, "--rate", "30", "--duration", "2", "--mix", "view=3,add=1"])).done;
    expect(summary.journeys.browse.count).to.equal(0);
    expect(summary.journeys.remove.count).to.equal(0);
    expect(summary.journeys.checkout.count).to.equal(0);
    expect(summary.journeys.view.count).to.be.greaterThan(0);
    expect(summary.journeys.view.count / summary.journeys.add.count).to.be.within(2.5, 3.5);
  });

  it("CLI: plain progress lines off a terminal, then the summary with a row per journey", async () => {
    const { code, stdout, stderr } = await cli(["--target", shop.urls.gateway, "--rate", "20", "--duration", "2.5", "--progress-s", "1"]);
    expect(code, stderr).to.equal(0);
    expect(stderr).not.to.include("\r");
    const progress = stderr.split("\n").filter((l) => /requests \d+ {2}rate [\d.]+\/s {2}errors \d+ {2}p99 /.test(l));
    expect(progress.length, stderr).to.be.at.least(2);
    expect(stdout).to.match(/^load: \d+ requests in [\d.]+ s against http:\/\/127\.0\.0\.1:\d+ .* 0 errors, 0 journeys dropped/);
    for (const journey of Object.keys(JOURNEYS)) expect(stdout, journey).to.match(new RegExp(`^  ${journey} +[1-9]\\d* +[\\d.]+ ms +[\\d.]+ ms  none$`, "m"));
  });

  it("answers the kubelet on its health port while it runs: 200 while the scheduler ticks, 503 once it stalls, 404 for anything else", async () => {
    const run = startLoad(parseLoadOptions(["--target", shop.urls.gateway, "--rate", "10", "--duration", "1.5"]));
    const health = await startHealthServer(0, run.alive, "127.0.0.1");
    const stalled = await startHealthServer(0, () => false, "127.0.0.1");
    try {
      const url = (s: typeof health, path: string) => `http://127.0.0.1:${(s.address() as { port: number }).port}${path}`;
      expect((await fetch(url(health, "/healthz"))).status).to.equal(200);
      expect((await fetch(url(health, "/readyz"))).status).to.equal(200);
      expect((await fetch(url(health, "/metrics"))).status).to.equal(404);
      expect((await fetch(url(health, "/healthz"), { method: "POST" })).status).to.equal(404);
      const answer = await fetch(url(stalled, "/healthz"));
      expect(answer.status).to.equal(503);
      expect(await answer.json()).to.deep.equal({ status: "stalled" });
      await run.done;
    } finally {
      health.close();
      stalled.close();
    }
  });

  it("CLI: on a terminal, one progress line rewritten in place, cleared before the summary", async () => {
    // util-linux script(1) gives the generator a pseudo-terminal, as a shell would.
    const command = [process.execPath, "--import", "tsx", join(ROOT, "services/load-generator/load-generator-main.ts"), "--target", shop.urls.gateway, "--rate", "20", "--duration", "2.5"]
      .map((a) => `'${a}'`)
      .join(" ");
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout: out }));
    });
    expect(code, stdout).to.equal(0);
    const updates = stdout.split("\r\x1b[2K").filter((part) => /requests \d+ {2}rate /.test(part));
    expect(updates.length, JSON.stringify(stdout)).to.be.at.least(2);
    // No progress line ends in a newline of its own: each is overwritten by the next.
    expect(stdout).not.to.match(/requests \d+ {2}rate [^\r]*\n/);
    expect(stdout).to.match(/\r\x1b\[2Kload: \d+ requests in /);
  });

  it("CLI: --json prints the summary as one JSON object", async () => {
    const { code, stdout, stderr } = await cli(["--target", shop.urls.gateway, "--rate", "20", "--duration", "1", "--json"]);
    expect(code, stderr).to.equal(0);
    const summary = JSON.parse(stdout) as LoadSummary;
    expect(summary.requests).to.be.greaterThan(0);
    expect(Object.keys(summary.journeys).sort()).to.deep.equal(Object.keys(JOURNEYS).sort());
  });

  it("CLI: an unreachable target is a clear error and exit 1", async () => {
    const { code, stderr } = await cli(["--target", "http://127.0.0.1:9", "--duration", "1"], 60_000);
    expect(code).to.equal(1);
    expect(stderr).to.match(/load: http:\/\/127\.0\.0\.1:9 cannot list the shop's products yet: .*/);
  }).timeout(60_000);
});

describe("load generator against a slow shop (payment hangs)", function () {
  this.timeout(120_000);
  const local = localShopSuite({ env: { PAYMENT_TIMEOUT_RATE: "1", PAYMENT_TIMEOUT_DELAY_MS: "3000" } });
  let shop: Shop;
  beforeEach(() => (shop = local.shop));

  it("keeps offering journeys on the clock (open loop) and drops, never queues, those beyond the bound", async () => {
    // checkout only: 2 requests a journey, so 10 requests/s is 5 journeys/s; each takes seconds here.
    const summary = await startLoad(parseLoadOptions(["--target", shop.urls.gateway, "--rate", "10", "--duration", "2", "--concurrency", "2", "--mix", "checkout=1", "--timeout-ms", "8000"])).done;
    const due = 5 * 2;
    expect(summary.journeys.checkout.count, "at most the bound ran").to.equal(2);
    expect(summary.journeys.checkout.count + summary.dropped, "every due journey was started or dropped").to.be.within(due - 1, due);
    expect(Object.keys(summary.journeys.checkout.errors).every((k) => /^5\d\d$/.test(k)), JSON.stringify(summary.journeys.checkout.errors)).to.equal(true);
  });
});

describe("load generator flags", function () {
  this.timeout(60_000);
  const cases: [string[], RegExp][] = [
    [["--rate", "abc"], /^load: --rate must be a number between 0\.1 and 100000; got "abc"$/m],
    [["--rate", "0"], /^load: --rate must be a number between 0\.1 and 100000; got "0"$/m],
    [["--users", "2.5"], /^load: --users must be a whole number between 1 and 100000; got "2\.5"$/m],
    [["--concurrency", "0"], /^load: --concurrency must be a whole number between 1 and 10000; got "0"$/m],
    [["--duration=-3"], /^load: --duration must be a number between 0 and 604800; got "-3"$/m],
    [["--mix", "browse=1,shop=2"], /^load: --mix must be journey=weight pairs .* got "browse=1,shop=2"$/m],
    [["--mix", "browse=0"], /^load: --mix must be .*at least one above 0; got "browse=0"$/m],
    [["--target", "ftp://x"], /^load: --target must be an http\(s\) URL of the shop's root.*got "ftp:\/\/x"$/m],
    [["--target", "http://127.0.0.1:5000/api"], /^load: --target must be .*got "http:\/\/127\.0\.0\.1:5000\/api"$/m],
    [["--target", "not a url"], /^load: --target must be an http\(s\) URL such as/m],
    [["--frobnicate"], /^load: Unknown option '--frobnicate'$/m],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(" ")} (exit 2, the flag and value named, nothing run)`, async () => {
      const { code, stdout, stderr } = await cli(args);
      expect(code).to.equal(2);
      expect(stderr).to.match(message);
      expect(stderr).to.include("usage: npm run load");
      expect(stdout).to.equal("");
    });
  }

  it("takes its health port from PORT when no flag names one (the image sets PORT)", () => {
    expect(parseLoadOptions([], { PORT: "8089" }).healthPort).to.equal(8089);
    expect(parseLoadOptions(["--health-port", "9000"], { PORT: "8089" }).healthPort).to.equal(9000);
    expect(parseLoadOptions([], {}).healthPort).to.equal(undefined);
    expect(() => parseLoadOptions([], { PORT: "http" })).to.throw('--health-port must be a whole number between 1 and 65535; got "http"');
  });

  it("parses a good set of flags into the options", () => {
    const o = parseLoadOptions(["--target", "http://ingress-nginx-controller.ingress-nginx.svc.cluster.local", "--host", "shop.example.test", "--rate", "2.5", "--duration", "0", "--users", "50", "--concurrency", "10", "--mix", "browse=1,checkout=2", "--health-port", "8089"]);
    expect(o.target.origin).to.equal("http://ingress-nginx-controller.ingress-nginx.svc.cluster.local");
    expect(o).to.include({ host: "shop.example.test", rate: 2.5, durationS: 0, users: 50, concurrency: 10, healthPort: 8089, json: false });
    expect(o.mix).to.deep.equal({ browse: 1, view: 0, add: 0, remove: 0, checkout: 2 });
  });
});
