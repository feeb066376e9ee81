/**
 * The cluster checks (scripts/cluster-checks) against the local shop, the way
 * `npm start` runs it: smoke, the edge's public-API probe and the canary pass
 * on the real shop, and each of them fails when pointed at the wrong thing, so
 * a pass in the e2e-kind workflow means something. The in-cluster parts that
 * need kubectl (probe pods, leftovers) are checked here as far as they are
 * pure: the probe table and the pods they would create.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { authzEdges, type AuthzEdge } from "../../infra/authz/graph";
import { serviceAccountName } from "../../infra/workload/spec";
import { CURL_IMAGE, curlArgs, probePod } from "../../scripts/cluster-checks/authz-cluster";
import { PROBE_REQUESTS, probeRequest, probeTable, verdict } from "../../scripts/cluster-checks/authz-table";
import { canary, defaultTolerance } from "../../scripts/cluster-checks/canary";
import { run } from "../../scripts/cluster-checks/cluster-checks-cli";
import { fromMetricsUrls, paymentRequests } from "../../scripts/cluster-checks/payment-requests";
import { publicApi } from "../../scripts/cluster-checks/public-api-probe";
import { formatReport, type CheckReport } from "../../scripts/cluster-checks/report";
import { smoke } from "../../scripts/cluster-checks/smoke";
import { startShop, type Shop } from "../../scripts/launcher/start-shop";
import { SERVICE_NAMES } from "../../services/topology";
import { bundle } from "../support/test-dist";

const ROOT = join(__dirname, "../..");
const failed = (report: CheckReport) => report.findings.filter((f) => !f.ok).map((f) => f.what);

describe("cluster checks against the local shop", function () {
  this.timeout(120_000);
  let shop: Shop;

  before(async function () {
    this.timeout(120_000);
    shop = await startShop({ distDir: await bundle(), ports: "free" });
  });
  after(async () => {
    await shop?.stop();
  });

  it("smoke: the storefront, browsing, add to cart and checkout through the gateway", async () => {
    const report = await smoke({ baseUrl: shop.urls.gateway });
    expect(report.ok, formatReport(report)).to.equal(true);
    expect(report.findings.map((f) => f.what).join("\n")).to.match(/GET \/ -> 200/).and.match(/POST \/api\/cart\/smoke-[^/]+\/checkout -> 201/);
  });

  it("smoke fails where the edge is not the shop's (a service without the storefront or /api)", async () => {
    const report = await smoke({ baseUrl: shop.urls.users, checkoutAttempts: 1 });
    expect(report.ok).to.equal(false);
    expect(failed(report).join("\n")).to.match(/GET \/ -> 404/).and.match(/GET \/api\/products -> 404/);
  });

  it("authz (local): every public route answers, and what is not public is a JSON 404/405 at the gateway", async () => {
    const report = await publicApi({ baseUrl: shop.urls.gateway });
    expect(report.ok, formatReport(report)).to.equal(true);
    expect(report.findings.length).to.be.greaterThan(20);
  });

  it("authz (local) fails where a non-public route is served (cart's own port: /api is not its API, so the public routes fail)", async () => {
    const report = await publicApi({ baseUrl: shop.urls.cart });
    expect(report.ok).to.equal(false);
    expect(failed(report).join("\n")).to.match(/GET \/api\/products -> 404 \(expected 200/);
  });

  it("canary: counts payment requests by version from the payment process's /metrics, and the share matches the weight this shop runs (v1 only: 0% v2)", async () => {
    const counts = fromMetricsUrls([`${shop.urls.payment}/metrics`]);
    const report = await canary({ baseUrl: shop.urls.gateway, counts, weightPercent: 0, checkouts: 20 });
    expect(report.ok, formatReport(report)).to.equal(true);
    expect(report.findings.map((f) => f.what).join("\n")).to.match(/\{"v1":20\}/);
  });

  it("canary fails when the share is not the weight (50% asked of a v1-only shop)", async () => {
    const counts = fromMetricsUrls([`${shop.urls.payment}/metrics`]);
    const report = await canary({ baseUrl: shop.urls.gateway, counts, weightPercent: 50, checkouts: 10 });
    expect(report.ok).to.equal(false);
    expect(failed(report).join("\n")).to.match(/v2 share 0\.0% \(expected 50%/);
  });

  it("the command line runs the same checks (npx tsx scripts/cluster-checks/cluster-checks-cli.ts) and exits 0, or 1 on a failed finding", async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "scripts/cluster-checks/cluster-checks-cli.ts"), ...args], { cwd: ROOT });
        let output = "";
        child.stdout.on("data", (c: Buffer) => (output += c.toString()));
        child.stderr.on("data", (c: Buffer) => (output += c.toString()));
        child.on("exit", (code) => resolve({ code, output }));
      });
    const ok = await cli(["smoke", "--base-url", shop.urls.gateway]);
    expect(ok.code, ok.output).to.equal(0);
    expect(ok.output).to.match(/^smoke \(.*\): passed/m);
    const bad = await cli(["canary", "--base-url", shop.urls.gateway, "--weight", "50", "--checkouts", "4", "--tolerance", "10", "--metrics-url", `${shop.urls.payment}/metrics`]);
    expect(bad.code, bad.output).to.equal(1);
    expect(bad.output).to.match(/FAIL v2 share/);
    const usage = await cli(["canary", "--base-url", shop.urls.gateway]);
    expect(usage.code).to.equal(2);
    expect(usage.output).to.contain("canary needs --weight");
  });

  it("run() refuses an unknown check with the usage", async () => {
    let error: Error | undefined;
    await run(["smok"]).catch((err: Error) => (error = err));
    expect(error?.message).to.match(/^usage: cluster-checks-cli\.ts smoke\|authz\|canary\|leftovers/);
  });
});

describe("cluster checks: the in-cluster authz table and probe pods", () => {
  it("covers every (caller, target) pair of services; allowed exactly where the program's graph has a call edge", () => {
    const table = probeTable("meshmart");
    expect(table).to.have.length(SERVICE_NAMES.length ** 2);
    const calls = authzEdges().filter((e) => e.kind === "call").map((e) => `${e.from}>${e.to}`).sort();
    expect(table.filter((c) => c.allowed).map((c) => `${c.caller}>${c.target}`).sort()).to.deep.equal(calls);
    expect(calls).to.include.members(["cart>payment", "payment>notifications", "orders>users", "gateway>catalog"]);
    expect(table.find((c) => c.caller === "gateway" && c.target === "payment")).to.deep.include({ allowed: false, url: "http://payment.meshmart.svc.cluster.local:5003/payments" });
  });

  it("reads refusals the way each stack refuses: no connection (NetworkPolicy) or 403 (mesh); 5xx proves nothing", () => {
    expect(["000", "403", "200", "400", "404", "503", "none"].map(verdict)).to.deep.equal(["refused", "refused", "answered", "answered", "answered", "unclear", "unclear"]);
  });

  it("runs a probe pod as the caller's ServiceAccount, with the caller's app label only in dev, kept out of Service endpoints", () => {
    const mesh = probePod("cart", { namespace: "meshmart", mesh: "istio" }, "x1") as any;
    expect(mesh.spec.serviceAccountName).to.equal(serviceAccountName("cart"));
    expect(mesh.metadata.labels).to.not.have.property("app");
    expect(mesh.spec.containers[0].image).to.equal(CURL_IMAGE).and.match(/@sha256:[0-9a-f]{64}$/);
    expect(mesh.spec.containers[0]).to.not.have.property("readinessProbe");
    const dev = probePod("cart", { namespace: "meshmart", mesh: "none" }, "x1") as any;
    expect(dev.metadata.labels.app).to.equal("cart");
    expect(dev.spec.containers[0].readinessProbe.exec.command).to.deep.equal(["false"]);
  });

  it("probes each target with a request its allowed callers make, with a body that changes nothing", () => {
    const [probe] = probeTable("meshmart").filter((c) => c.caller === "cart" && c.target === "payment");
    expect(curlArgs(probe!, 5)).to.deep.equal([
      "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5", "-X", "POST",
      "-H", "content-type: application/json", "--data", "{}", "http://payment.meshmart.svc.cluster.local:5003/payments",
    ]);
    expect(PROBE_REQUESTS.orders).to.deep.equal({ method: "GET", path: "/orders/1" });
  });

  it("derives each target's probe from what its callers are granted: a GET (one below a prefix), else a POST with an empty body, else GET /", () => {
    const edge = (operations: AuthzEdge["operations"]): AuthzEdge[] => [{ from: "gateway", to: "users", kind: "call", operations }];
    expect(probeRequest("users", edge([{ method: "POST", path: "/ratings", match: "exact" }, { method: "GET", path: "/reviews", match: "prefix" }]))).to.deep.equal({ method: "GET", path: "/reviews/1" });
    expect(probeRequest("users", edge([{ method: "GET", path: "/reviews", match: "exact" }]))).to.deep.equal({ method: "GET", path: "/reviews" });
    expect(probeRequest("users", edge([{ method: "POST", path: "/ratings", match: "exact" }]))).to.deep.equal({ method: "POST", path: "/ratings", body: {} });
    expect(probeRequest("users", edge([]))).to.deep.equal({ method: "GET", path: "/" });
    expect(probeRequest("users", [{ from: "monitoring", to: "users", kind: "scrape", operations: [{ method: "GET", path: "/metrics", match: "exact" }] }]), "scrapes are not calls").to.deep.equal({ method: "GET", path: "/" });
  });

  it("sums payment's POST /payments counter by version from a /metrics page", () => {
    const page = [
      "# HELP http_requests_total x",
      'http_requests_total{method="POST",route="/payments",status="201",service="payment",version="v1"} 7',
      'http_requests_total{method="POST",route="/payments",status="409",service="payment",version="v1"} 1',
      'http_requests_total{method="POST",route="/payments",status="201",service="payment",version="v2"} 2',
      'http_requests_total{method="GET",route="/readyz",status="200",service="payment",version="v2"} 40',
    ].join("\n");
    expect(paymentRequests(page)).to.deep.equal({ v1: 8, v2: 2 });
    expect(defaultTolerance(5, 200)).to.be.closeTo(4.62, 0.01);
  });
});
