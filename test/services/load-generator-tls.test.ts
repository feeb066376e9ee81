/**
 * The load generator over real HTTPS on 127.0.0.1, as it calls a TLS edge in
 * a cluster (infra/workload/load-generator.ts): it trusts the edge's
 * certificate through NODE_EXTRA_CA_CERTS, which Node reads once at start, so
 * each run is a child process with its own environment. It verifies the
 * certificate: with the edge's certificate trusted it drives its journeys;
 * with nothing trusted, or another certificate of the same name trusted, or
 * without sending the certificate's name (Host and SNI), it reaches nothing.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { join } from "node:path";
import { expect } from "chai";
import type { LoadSummary } from "../../services/load-generator/load-report";
import { testCertificate, type TestCertificate } from "../support/test-certificate";

const ROOT = join(__dirname, "../..");
const NAME = "localhost";

/** A short run of the generator in a child process (its own NODE_EXTRA_CA_CERTS): its summary, or why it could not list the products. */
function runGenerator(args: string[], extraCaFile?: string): Promise<{ summary?: LoadSummary; error?: string }> {
  const script = `
    const { parseLoadOptions } = await import(${JSON.stringify(join(ROOT, "services/load-generator/load-options.ts"))});
    const { startLoad } = await import(${JSON.stringify(join(ROOT, "services/load-generator/open-loop.ts"))});
    try {
      const summary = await startLoad(parseLoadOptions(JSON.parse(process.argv[1])), { discoverForMs: 0 }).done;
      process.stdout.write(JSON.stringify({ summary }));
    } catch (err) {
      process.stdout.write(JSON.stringify({ error: err.message }));
    }`;
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (extraCaFile) env.NODE_EXTRA_CA_CERTS = extraCaFile;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, JSON.stringify(args)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(stdout) as { summary?: LoadSummary; error?: string });
      } catch {
        reject(new Error(`the generator's run exited ${code}: ${stdout}${stderr}`));
      }
    });
  });
}

describe("load generator over HTTPS (a TLS edge on 127.0.0.1)", function () {
  this.timeout(60_000);
  let edgeCert: TestCertificate;
  let otherCert: TestCertificate;
  let server: Server;
  let target: string;
  const seen: { sni: string | false | null; host?: string; path?: string }[] = [];

  before(async () => {
    [edgeCert, otherCert] = [testCertificate([NAME]), testCertificate([NAME])];
    server = createServer({ key: edgeCert.key, cert: edgeCert.cert }, (req, res) => {
      seen.push({ sni: (req.socket as TLSSocket).servername, host: req.headers.host, path: req.url });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.url === "/api/products" ? JSON.stringify({ products: [{ id: "1" }, { id: "2" }] }) : "{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    edgeCert.remove();
    otherCert.remove();
  });
  beforeEach(() => (seen.length = 0));

  const flags = (host?: string) => ["--target", target, ...(host ? ["--host", host] : []), "--rate", "20", "--duration", "1", "--users", "4", "--concurrency", "4"];

  it("trusting the edge's certificate, drives its journeys with the certificate's name as SNI and Host", async () => {
    const { summary, error } = await runGenerator(flags(NAME), edgeCert.certFile);
    expect(error).to.equal(undefined);
    expect(summary!.requests).to.be.greaterThan(5);
    expect(summary!.errors).to.equal(0);
    expect(seen.length).to.equal(summary!.requests + 1); // and the products' listing
    expect(seen.every((r) => r.sni === NAME && r.host === NAME), JSON.stringify(seen.slice(0, 3))).to.equal(true);
  });

  it("trusting nothing, refuses the edge's self-signed certificate and sends nothing", async () => {
    const { summary, error } = await runGenerator(flags(NAME));
    expect(summary).to.equal(undefined);
    expect(error).to.match(/self-signed certificate/);
    expect(seen).to.deep.equal([]);
  });

  it("trusting another certificate of the same name, refuses the edge's", async () => {
    const { summary, error } = await runGenerator(flags(NAME), otherCert.certFile);
    expect(summary).to.equal(undefined);
    expect(error).to.match(/self-signed certificate/);
    expect(seen).to.deep.equal([]);
  });

  it("without the certificate's name (connecting to an address it does not name), refuses it", async () => {
    const { summary, error } = await runGenerator(flags(), edgeCert.certFile);
    expect(summary).to.equal(undefined);
    expect(error).to.match(/does not match certificate's altnames/);
    expect(seen).to.deep.equal([]);
  });
});
