/**
 * HTTPS at the edge (meshmart:edgeTls) and MetalLB (meshmart:loadBalancer)
 * as the stacks deploy them, under mocks. The shared runs (support/stacks.ts)
 * cover the default (a self-signed certificate) in every stack and devCloud
 * (cert-manager and MetalLB in dev); this file's own runs cover the rest:
 *
 *   dev      edgeTls off                                 plain HTTP, no certificate, no HSTS
 *   istio    self-signed, MetalLB, no ingressHost        the balancer's address in the certificate and the URL
 *   linkerd  cert-manager, MetalLB, ingressHost          a Certificate from the program's ClusterIssuer
 *
 * Checked: every object of the edge is schema-valid (cert-manager.io and
 * metallb.io against their CRDs: schemas/edge-crds.ts) with no unknown field;
 * the provider inputs are values the TLS provider accepts; the private key
 * is a secret; both Ingresses serve the Secret and redirect to HTTPS; the
 * controller's default certificate and HSTS; custom resources after the
 * release installing their CRDs (and so deleted before it); the balancer's
 * Service after the pool and awaited; `ingressUrl`'s scheme and address.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CERT_MANAGER_COMMIT, CHART_PINS, INGRESS_NGINX_TLS, METALLB_CHART_COMMIT, METALLB_NAMESPACE_LABELS, TLS_ALLOWED_USES } from "./fixtures/upstream";
import { CERT_MANAGER_SOURCE, crdOf, METALLB_SOURCE } from "./schemas/edge-crds";
import { objects, ofType, plainText, reveal, runStack, transitiveDependencies, type Registration, type StackRun } from "./support/stacks";
import { unknownFieldErrors } from "./support/strict-fields";
import { CRD_SCHEMA_GROUPS, validateObject } from "./support/validators";

const NS = "meshmart";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const POOL = "172.18.255.200-172.18.255.250";
/** What MetalLB hands out first from POOL (its allocator walks the range from its start). */
const FIRST_ADDRESS = "172.18.255.200";
const HOST = "shop.example.test";

const RUNS = {
  dev: { stack: "dev", overrides: { "meshmart:edgeTls": "off", "meshmart:redisPassword": "test-redis-password" } },
  istio: { stack: "istio", overrides: { "meshmart:ingressServiceType": "LoadBalancer", "meshmart:loadBalancer": "metallb", "meshmart:loadBalancerAddresses": POOL } },
  linkerd: {
    stack: "linkerd",
    overrides: { "meshmart:edgeTls": "cert-manager", "meshmart:ingressServiceType": "LoadBalancer", "meshmart:loadBalancer": "metallb", "meshmart:loadBalancerAddresses": POOL, "meshmart:ingressHost": HOST },
  },
} as const;
type RunName = keyof typeof RUNS;

let runs: Promise<Record<RunName, StackRun>> | undefined;
/** The three runs, in parallel, once per mocha process (support/stacks.ts's runStack, as it runs the shared variants). */
function stackRun(name: RunName): Promise<StackRun> {
  runs ??= (async () => {
    const names = Object.keys(RUNS) as RunName[];
    const results = await Promise.all(names.map((n) => runStack(RUNS[n].stack, RUNS[n].overrides)));
    return Object.fromEntries(names.map((n, i) => [n, results[i]!])) as Record<RunName, StackRun>;
  })();
  return runs.then((r) => r[name]);
}

const named = (r: StackRun, type: string, name: string): Registration => {
  const x = r.resources.find((y) => y.type === type && reveal(y.inputs).metadata?.name === name);
  if (!x) throw new Error(`no ${type} named ${name}`);
  return x;
};
const release = (r: StackRun, chart: string) => ofType(r, RELEASE).find((x) => x.inputs.chart === chart);
const ingresses = (r: StackRun) => objects(r, "Ingress");
/** The registrations of the edge: the certificate, the Ingresses, cert-manager, MetalLB and ingress-nginx's objects. */
const edgeRegistrations = (r: StackRun) =>
  r.resources.filter(
    (x) => x.custom && x.type.startsWith("kubernetes:") && x.type !== RELEASE && /edge-tls|metallb|cert-manager|ingress/.test(x.urn.split("::").pop()!),
  );

describe("HTTPS at the edge and MetalLB, in every stack", function () {
  this.timeout(600_000);

  it("each run evaluates without errors", async () => {
    for (const name of Object.keys(RUNS) as RunName[]) expect((await stackRun(name)).errors, name).to.deep.equal([]);
  });

  for (const name of Object.keys(RUNS) as RunName[]) {
    it(`${name}: the edge's objects are schema-valid, with no unknown field`, async () => {
      const r = await stackRun(name);
      const mine = edgeRegistrations(r);
      expect(mine.length).to.be.greaterThan(3);
      const problems: string[] = [];
      for (const x of mine) {
        const complaint = await validateObject(reveal(x.inputs));
        if (complaint) problems.push(`${x.urn}: ${complaint}`);
      }
      expect(problems).to.deep.equal([]);
      const strict = mine.map((x) => ({ id: x.urn, object: reveal(x.inputs) })).filter((o) => !CRD_SCHEMA_GROUPS.has(o.object.apiVersion.split("/")[0]));
      expect(Object.fromEntries(unknownFieldErrors(strict))).to.deep.equal({});
    });
  }

  it("the schemas name their source: the pinned releases' CRDs, at the commits of their tags", () => {
    for (const [source, commit, kinds] of [
      [CERT_MANAGER_SOURCE, CERT_MANAGER_COMMIT, ["v1/Certificate", "v1/ClusterIssuer"]],
      [METALLB_SOURCE, METALLB_CHART_COMMIT, ["v1beta1/IPAddressPool", "v1beta1/L2Advertisement"]],
    ] as const) {
      const file = JSON.parse(readFileSync(join(__dirname, "schemas", source.file), "utf8"));
      expect(file.source, source.file).to.deep.equal({ repo: source.repo, commit, files: [...new Set(source.kinds.map((k) => k.path))] });
      expect(Object.keys(file.kinds).sort(), source.file).to.deep.equal([...kinds]);
    }
    // One file of many CRDs (MetalLB's subchart), Helm expressions blanked.
    const two = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: {names: {kind: A}}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {namespace: {{ .Release.Namespace }}}\nspec: {names: {kind: B}}\n";
    expect(crdOf(two, "B").spec.names.kind).to.equal("B");
    expect(() => crdOf(two, "C")).to.throw("no CRD of C");
  });

  it("the generated schemas reject what cert-manager's and MetalLB's CRDs reject", async () => {
    const check = (o: { apiVersion: string; kind: string } & Record<string, unknown>) => validateObject(o);
    const certificate = {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "x", namespace: NS },
      spec: { secretName: "x", issuerRef: { name: "x", kind: "ClusterIssuer" }, usages: ["server auth"] },
    };
    expect(await check(certificate)).to.equal(undefined);
    expect(await check({ ...certificate, spec: { ...certificate.spec, usages: ["server_auth"] } })).to.be.a("string");
    expect(await check({ ...certificate, spec: { ...certificate.spec, secretNme: "x" } })).to.be.a("string");
    expect(await check({ ...certificate, spec: { issuerRef: { name: "x" } } })).to.be.a("string");
    const pool = { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "x", namespace: "metallb-system" }, spec: { addresses: [POOL] } };
    expect(await check(pool)).to.equal(undefined);
    expect(await check({ ...pool, spec: {} })).to.be.a("string");
    // A version the CRD does not serve has no schema at all (the API server would refuse the kind).
    expect(await check({ ...pool, apiVersion: "metallb.io/v1alpha1" }).catch((e: Error) => e.message)).to.match(/^no validator for metallb\.io\/v1alpha1 IPAddressPool/);
    expect(await check({ apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: { name: "x" }, spec: { ipAddressPool: ["x"] } })).to.be.a("string");
  });

  describe("the certificate", () => {
    it("self-signed: an ECDSA P-256 key, a serving certificate for what clients ask (the balancer's address too), uses the TLS provider accepts", async () => {
      const r = await stackRun("istio");
      const [key] = ofType(r, "tls:index/privateKey:PrivateKey").filter((x) => x.name.startsWith("edge-tls"));
      // terraform-provider-tls internal/provider/types.go: algorithms RSA, ECDSA, ED25519; curves P224, P256, P384, P521.
      expect(key?.inputs).to.deep.include({ algorithm: "ECDSA", ecdsaCurve: "P256" });
      const [cert] = ofType(r, "tls:index/selfSignedCert:SelfSignedCert").filter((x) => x.name.startsWith("edge-tls"));
      const inputs = reveal(cert!.inputs);
      expect(inputs.dnsNames).to.deep.equal(["localhost"]);
      expect(inputs.ipAddresses).to.deep.equal(["127.0.0.1", FIRST_ADDRESS]);
      expect(inputs.allowedUses).to.include("server_auth");
      for (const use of inputs.allowedUses) expect(TLS_ALLOWED_USES as readonly string[], use).to.include(use);
      expect(inputs.isCaCertificate ?? false).to.equal(false);
      // A year, renewed by the next `pulumi up` in its last 30 days (whole hours: the provider's fields are integers).
      expect([inputs.validityPeriodHours, inputs.earlyRenewalHours]).to.deep.equal([8760, 720]);
    });

    it("self-signed: the key is a Pulumi secret everywhere, and the Secret is kubernetes.io/tls in the shop's namespace", async () => {
      const r = await stackRun("istio");
      const [cert] = ofType(r, "tls:index/selfSignedCert:SelfSignedCert").filter((x) => x.name.startsWith("edge-tls"));
      expect(cert!.inputs.privateKeyPem).to.have.property("$secret");
      const secret = named(r, "kubernetes:core/v1:Secret", "meshmart-edge-tls");
      const object = reveal(secret.inputs);
      expect([object.type, object.metadata.namespace]).to.deep.equal(["kubernetes.io/tls", NS]);
      expect(Object.keys(object.stringData).sort()).to.deep.equal(["tls.crt", "tls.key"]);
      expect(object.stringData["tls.key"]).to.match(/PRIVATE KEY/);
      // The key's mock PEM (run-stack.ts: "mock-<resource name>") never appears outside a secret.
      expect(plainText(r.resources)).to.not.contain("mock-edge-tls-key");
      expect(plainText(r.outputs)).to.not.contain("PRIVATE KEY");
    });

    it("cert-manager: a selfSigned ClusterIssuer and a Certificate for the host, after cert-manager's release, which installs and removes its CRDs", async () => {
      const r = await stackRun("linkerd");
      expect(ofType(r, "tls:index/selfSignedCert:SelfSignedCert").filter((x) => x.name.startsWith("edge-tls"))).to.deep.equal([]);
      const [issuer] = objects(r, "ClusterIssuer");
      expect(issuer.spec).to.deep.equal({ selfSigned: {} });
      const certificate = named(r, "kubernetes:cert-manager.io/v1:Certificate", "meshmart-edge-tls");
      const spec = reveal(certificate.inputs).spec;
      expect(reveal(certificate.inputs).metadata.namespace).to.equal(NS);
      expect([spec.secretName, spec.dnsNames, spec.issuerRef]).to.deep.equal(["meshmart-edge-tls", [HOST], { group: "cert-manager.io", kind: "ClusterIssuer", name: issuer.metadata.name }]);
      expect(spec.usages).to.include("server auth");
      // A year, renewed 30 days before it ends (Go durations, as cert-manager's CRD takes them).
      expect([spec.duration, spec.renewBefore]).to.deep.equal(["8760h", "720h"]);
      const rel = release(r, CHART_PINS.certManager.chart)!;
      expect([rel.inputs.version, rel.inputs.repositoryOpts.repo]).to.deep.equal([CHART_PINS.certManager.version, CHART_PINS.certManager.repo]);
      // CRDs by the chart, not kept on uninstall; the Secret owned by its Certificate: destroy leaves neither behind.
      expect(rel.inputs.values).to.deep.include({ crds: { enabled: true, keep: false }, enableCertificateOwnerRef: true });
      for (const cr of [...ofType(r, "kubernetes:cert-manager.io/v1:ClusterIssuer"), certificate]) expect([...transitiveDependencies(r, cr)], cr.urn).to.include(rel.urn);
      expect([...transitiveDependencies(r, certificate)]).to.include(ofType(r, "kubernetes:cert-manager.io/v1:ClusterIssuer")[0]!.urn);
    });

    it("off: no certificate, no cert-manager, plain HTTP", async () => {
      const r = await stackRun("dev");
      expect(r.resources.filter((x) => x.type.startsWith("tls:") || x.type.includes("cert-manager") || /edge-tls/.test(x.name))).to.deep.equal([]);
      expect(release(r, CHART_PINS.certManager.chart)).to.equal(undefined);
    });
  });

  describe("the Ingresses and the controller", () => {
    for (const name of ["istio", "linkerd"] as const) {
      it(`${name}: both Ingresses serve the edge's Secret and redirect plain HTTP to HTTPS`, async () => {
        const r = await stackRun(name);
        const all = ingresses(r);
        expect(all.map((i) => i.metadata.name).sort()).to.deep.equal(["meshmart", "meshmart-cluster-only"]);
        for (const i of all) {
          expect(i.metadata.annotations[INGRESS_NGINX_TLS.forceRedirectAnnotation], i.metadata.name).to.equal("true");
          expect(i.spec.tls, i.metadata.name).to.deep.equal([{ ...(name === "linkerd" ? { hosts: [HOST] } : {}), secretName: "meshmart-edge-tls" }]);
        }
        // The Ingresses wait for what makes the Secret.
        const maker = name === "istio" ? named(r, "kubernetes:core/v1:Secret", "meshmart-edge-tls") : named(r, "kubernetes:cert-manager.io/v1:Certificate", "meshmart-edge-tls");
        for (const x of ofType(r, "kubernetes:networking.k8s.io/v1:Ingress")) expect([...transitiveDependencies(r, x)], x.urn).to.include(maker.urn);
      });

      it(`${name}: the controller serves the Secret as its default certificate and sends HSTS`, async () => {
        const values = reveal(release(await stackRun(name), "ingress-nginx")!.inputs).values;
        expect(values.controller.extraArgs[INGRESS_NGINX_TLS.defaultCertificateFlag]).to.equal(`${NS}/meshmart-edge-tls`);
        for (const key of Object.keys(values.controller.config)) expect(INGRESS_NGINX_TLS.hstsKeys as readonly string[], key).to.include(key);
        expect(values.controller.config.hsts).to.equal("true");
        expect(Number(values.controller.config["hsts-max-age"])).to.be.greaterThan(0);
      });
    }

    it("off: no tls, no redirect, no default certificate, no HSTS", async () => {
      const r = await stackRun("dev");
      for (const i of ingresses(r)) {
        expect(i.spec.tls, i.metadata.name).to.equal(undefined);
        expect(i.metadata.annotations[INGRESS_NGINX_TLS.forceRedirectAnnotation], i.metadata.name).to.equal(undefined);
      }
      const values = reveal(release(r, "ingress-nginx")!.inputs).values;
      expect(values.controller.extraArgs?.[INGRESS_NGINX_TLS.defaultCertificateFlag]).to.equal(undefined);
      expect(values.controller.config).to.deep.equal({ hsts: "false" });
    });
  });

  describe("MetalLB", () => {
    for (const name of ["istio", "linkerd"] as const) {
      it(`${name}: a privileged namespace, the pinned chart with its CRDs (L2 only), a pool and an L2Advertisement after it`, async () => {
        const r = await stackRun(name);
        const ns = objects(r, "Namespace").find((n) => n.metadata.name === "metallb-system");
        expect(ns?.metadata.labels).to.deep.include(METALLB_NAMESPACE_LABELS);
        const rel = release(r, CHART_PINS.metallb.chart)!;
        expect([rel.inputs.version, rel.inputs.repositoryOpts.repo, rel.inputs.namespace]).to.deep.equal([CHART_PINS.metallb.version, CHART_PINS.metallb.repo, "metallb-system"]);
        expect(rel.inputs.values).to.deep.equal({ crds: { enabled: true }, frrk8s: { enabled: false }, speaker: { frr: { enabled: false } } });
        const pool = named(r, "kubernetes:metallb.io/v1beta1:IPAddressPool", "meshmart");
        const l2 = named(r, "kubernetes:metallb.io/v1beta1:L2Advertisement", "meshmart");
        expect(reveal(pool.inputs).spec.addresses).to.deep.equal([POOL]);
        expect(reveal(l2.inputs).spec.ipAddressPools).to.deep.equal([reveal(pool.inputs).metadata.name]);
        for (const cr of [pool, l2]) {
          expect(reveal(cr.inputs).metadata.namespace, cr.urn).to.equal("metallb-system");
          // After the release (its CRDs and webhook), so `pulumi destroy` deletes it first.
          expect([...transitiveDependencies(r, cr)], cr.urn).to.include(rel.urn);
        }
      });

      it(`${name}: the controller's LoadBalancer Service waits for its address after the pool, and the Ingresses are awaited`, async () => {
        const r = await stackRun(name);
        const service = named(r, "kubernetes:core/v1:Service", "ingress-nginx-controller");
        expect(reveal(service.inputs).spec.type).to.equal("LoadBalancer");
        expect(reveal(service.inputs).metadata.annotations?.["pulumi.com/skipAwait"]).to.equal(undefined);
        const waits = [...transitiveDependencies(r, service)];
        for (const kind of ["IPAddressPool", "L2Advertisement"]) expect(waits, kind).to.include(named(r, `kubernetes:metallb.io/v1beta1:${kind}`, "meshmart").urn);
        for (const i of ingresses(r)) expect(i.metadata.annotations["pulumi.com/skipAwait"], i.metadata.name).to.equal(undefined);
      });
    }

    it("off: no MetalLB anywhere", async () => {
      const r = await stackRun("dev");
      expect(r.resources.filter((x) => /metallb/.test(x.type) || /metallb/.test(x.name))).to.deep.equal([]);
    });
  });

  describe("ingressUrl", () => {
    it("is http without TLS, https with it, at the balancer's address when there is no host", async () => {
      expect((await stackRun("dev")).outputs.ingressUrl).to.equal("http://localhost:30080/");
      expect((await stackRun("istio")).outputs.ingressUrl).to.equal(`https://${FIRST_ADDRESS}/`);
      expect((await stackRun("linkerd")).outputs.ingressUrl).to.equal(`https://${HOST}/`);
    });
  });
});
