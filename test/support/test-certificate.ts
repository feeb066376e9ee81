/**
 * A throwaway TLS serving certificate for tests: an ECDSA P-256 key and a
 * self-signed certificate for the given DNS names, valid a day, made by the
 * openssl CLI (Node can make keys but not certificates) in a fresh temporary
 * directory. The certificate is its own CA: trusting its file trusts it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  /** The certificate's PEM file (what NODE_EXTRA_CA_CERTS names). */
  readonly certFile: string;
  /** Removes the directory. */
  remove(): void;
}

export function testCertificate(dnsNames: readonly string[]): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "meshmart-cert-"));
  const [keyFile, certFile] = [join(dir, "key.pem"), join(dir, "cert.pem")];
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", `/CN=${dnsNames[0]}`,
      "-addext", `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}`,
      "-keyout", keyFile, "-out", certFile,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
