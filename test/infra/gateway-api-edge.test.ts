/**
 * The Gateway API edge (meshmart:edge gateway-api, docs/edge.md) in every
 * stack: Istio's own GatewayClass in istio, Envoy Gateway in dev and linkerd.
 * What reaches the gateway from the internet is evaluated from the declared
 * Gateway and HTTPRoutes as the Gateway API matches them (per listener; an
 * Exact path before any prefix, the longest prefix first; a rule without
 * backends forwards nothing); then HTTPS, the redirect and HSTS; the objects
 * against the pinned CRDs; their order; the per-client limit; and the
 * authorization graph's edge → gateway in each stack's model (dev
 * NetworkPolicies, Istio and Linkerd policies, the mesh stacks' namespace
 * boundary) for the pods and identity each implementation provisions
 * (fixtures/upstream.ts), never the program's own constants.
 */
import { expect } from "chai";
import { join } from "node:path";
import { INGRESS_OPERATIONS } from "../../infra/authz/graph";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../services/topology";
import { ENVOY_GATEWAY, INGRESS_NGINX_CONTROLLER_POD_LABELS, ISTIO_GATEWAY_API, JAEGER_CHART_OBJECTS, MESH_RELEASES } from "./fixtures/upstream";
import { istioAllows, type IstioObject } from "./support/istio-authz";
import { linkerdAllows, type LinkerdObject } from "./support/linkerd-authz";
import { allowed, type Pod, type Policy } from "./support/netpol";
import { schemaFileChecks } from "./support/validators";
import { objects, ofType, plainText, reveal, run, transitiveDependencies, type Registration, type StackRun, type Variant } from "./support/stacks";

const NS = "meshmart";
const EDGE_NS = "meshmart-edge";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const CHART = "kubernetes:helm.sh/v4:Chart";

/** What an implementation provisions, as upstream names it for the Gateway `meshmart` in `meshmart-edge`. */
interface Implementation {
  readonly className: string;
  /** The data plane's pods, their identity, their plain-HTTP port, and the Service clients reach. */
  readonly pods: { readonly namespace: string; readonly labels: Record<string, string>; readonly serviceAccount: string; readonly httpPort: number; readonly httpsPort: number };
  readonly service: { readonly namespace: string; readonly name: string };
  /** The Helm release whose controller serves the class (the Gateway waits for it). */
  readonly controllerRelease: string;
}

const ISTIO: Implementation = {
  className: ISTIO_GATEWAY_API.className,
  pods: { namespace: EDGE_NS, labels: { ...ISTIO_GATEWAY_API.podLabels }, serviceAccount: ISTIO_GATEWAY_API.workload, httpPort: ISTIO_GATEWAY_API.podHttpPort, httpsPort: ISTIO_GATEWAY_API.podHttpsPort },
  service: { namespace: EDGE_NS, name: ISTIO_GATEWAY_API.workload },
  controllerRelease: "istiod",
};
const ENVOY: Implementation = {
  className: "envoy-gateway",
  pods: { namespace: ENVOY_GATEWAY.namespace, labels: { ...ENVOY_GATEWAY.podLabels }, serviceAccount: ENVOY_GATEWAY.workload, httpPort: ENVOY_GATEWAY.podHttpPort, httpsPort: ENVOY_GATEWAY.podHttpsPort },
  service: { namespace: ENVOY_GATEWAY.namespace, name: ENVOY_GATEWAY.workload },
  controllerRelease: "envoy-gateway",
};

interface Case {
  readonly variant: Variant;
  readonly mesh: "none" | "istio" | "linkerd";
  readonly impl: Implementation;
  readonly tls: boolean;
  readonly host?: string;
  readonly loadGenerator: boolean;
  readonly url: string;
}

const CASES: readonly Case[] = [
  { variant: "istioGatewayApi", mesh: "istio", impl: ISTIO, tls: true, loadGenerator: true, url: "https://localhost:30443/" },
  {
    variant: "istioGatewayApiPlain",
    mesh: "istio",
    impl: ISTIO,
    tls: false,
    loadGenerator: true,
    url: `http://localhost:8080/ (after: kubectl -n ${EDGE_NS} port-forward svc/${ISTIO_GATEWAY_API.workload} 8080:80)`,
  },
  { variant: "devGatewayApi", mesh: "none", impl: ENVOY, tls: true, host: "shop.example.test", loadGenerator: false, url: "https://shop.example.test/" },
  { variant: "linkerdGatewayApi", mesh: "linkerd", impl: ENVOY, tls: true, loadGenerator: true, url: "https://localhost:30443/" },
  { variant: "istioGatewayApiHttp", mesh: "istio", impl: ISTIO, tls: false, loadGenerator: false, url: "http://localhost:30080/" },
  { variant: "linkerdGatewayApiHttp", mesh: "linkerd", impl: ENVOY, tls: false, loadGenerator: false, url: "http://localhost:30080/" },
];

interface Answer {
  readonly backend?: string;
  readonly redirect?: { scheme: string; statusCode: number };
  readonly headers: Record<string, string>;
}

/** What the Gateway answers for `path` on one of its listeners, from the routes attached to it; undefined: no route matches. */
function answer(r: StackRun, listener: string, path: string): Answer | undefined {
  const routes = objects(r, "HTTPRoute").filter((x: any) => x.spec.parentRefs.some((p: any) => p.kind === "Gateway" && p.namespace === EDGE_NS && p.sectionName === listener));
  const candidates = routes.flatMap((route: any) =>
    route.spec.rules.flatMap((rule: any) => (rule.matches ?? [{ path: { type: "PathPrefix", value: "/" } }]).map((m: any) => ({ m, rule }))),
  );
  const hits = candidates.filter(({ m }) => {
    const { type, value } = m.path;
    if (type === "Exact") return path === value;
    if (type !== "PathPrefix") throw new Error(`path match ${type} not modelled`);
    return value === "/" || path === value || path.startsWith(`${value}/`);
  });
  const rank = ({ m }: { m: any }) => (m.path.type === "Exact" ? 1e6 : 0) + m.path.value.length;
  const hit = hits.sort((a, b) => rank(b) - rank(a))[0];
  if (!hit) return undefined;
  const filters: any[] = hit.rule.filters ?? [];
  const headers = Object.fromEntries(filters.filter((f) => f.type === "ResponseHeaderModifier").flatMap((f) => f.responseHeaderModifier.set.map((h: any) => [h.name, h.value])));
  return { backend: hit.rule.backendRefs?.[0]?.name, redirect: filters.find((f) => f.type === "RequestRedirect")?.requestRedirect, headers };
}

const PUBLIC = ["/", "/app.js", "/api/products", "/api/cart/u1/add"];
const CLUSTER_ONLY = ["/metrics", "/healthz", "/readyz"];

/** Strict validators from the schema files generated from the pinned CRDs (schemas/gateway-edge-schemas.ts). */
function schemaValidator(file: string): (object: any) => string | undefined {
  const checks = schemaFileChecks(join(__dirname, "schemas", file));
  return (object) => {
    const check = checks.get(`${object.apiVersion.split("/")[1]}/${object.kind}`);
    return check ? check(object) : `no schema for ${object.apiVersion} ${object.kind}`;
  };
}
const standardChannel = schemaValidator("gateway-api-standard-v1.5.1.json");
const envoyGatewayCrds = schemaValidator("envoy-gateway-v1.9.0.json");

/** A Helm release, or a chart the provider applies itself (helm.v4.Chart), by its release name. */
const release = (r: StackRun, name: string): Registration | undefined => [...ofType(r, RELEASE), ...ofType(r, CHART)].find((x) => reveal(x.inputs).name === name);
const customResources = (r: StackRun, apiGroup: string) => r.resources.filter((x) => x.type.startsWith(`kubernetes:${apiGroup}/`));
const depends = (r: StackRun, x: Registration, on: Registration) => transitiveDependencies(r, x).has(on.urn);

/** A shop pod as the run declares it (payment: its v1 Deployment): labels and named container ports. */
function shopPod(r: StackRun, service: ServiceName): { labels: Record<string, string>; ports: Record<string, number> } {
  const d = objects(r, "Deployment").find((x) => x.metadata.name === (service === "payment" ? "payment-v1" : service))!;
  const ports = Object.fromEntries(d.spec.template.spec.containers.flatMap((x: any) => x.ports ?? []).map((p: any) => [p.name, p.containerPort]));
  return { labels: d.spec.template.metadata.labels, ports };
}

/** Whether the edge identity may ask `to` for `http`, in the stack's mesh model. */
function meshAllows(r: StackRun, c: Case, identity: { namespace: string; serviceAccount: string }, to: ServiceName, http: { method: string; path: string }): boolean {
  const pod = shopPod(r, to);
  if (c.mesh === "istio") {
    const istio = (kind: string) => objects(r, kind).filter((o) => o.apiVersion === "security.istio.io/v1") as IstioObject[];
    return istioAllows(istio("PeerAuthentication"), istio("AuthorizationPolicy"), {
      principal: `cluster.local/ns/${identity.namespace}/sa/${identity.serviceAccount}`,
      to: { namespace: NS, labels: pod.labels },
      port: SERVICES[to].port,
      http,
    });
  }
  const linkerdObjects = r.resources.filter((x) => /policy\.linkerd\.io|gateway\.networking\.k8s\.io/.test(x.type)).map((x) => reveal(x.inputs) as LinkerdObject);
  const shopNs = objects(r, "Namespace").find((n) => n.metadata.name === NS);
  return linkerdAllows(
    { objects: linkerdObjects, defaultPolicy: (ns) => (ns === NS ? shopNs.metadata.annotations["config.linkerd.io/default-inbound-policy"] : "all-unauthenticated") },
    { identity, ip: "10.244.9.10", to: { namespace: NS, labels: pod.labels, ports: pod.ports, probes: {} }, port: SERVICES[to].port, http },
  );
}

const NGINX = { namespace: "ingress-nginx", serviceAccount: "ingress-nginx" };

for (const c of CASES) {
  describe(`the Gateway API edge: ${c.variant} (${c.impl.className})`, function () {
    this.timeout(180_000);
    let r: StackRun;
    before(async () => {
      r = await run(c.variant);
    });

    it("labels the edge's namespace (and the Gateway's parameters) as the shop's, baseline enforced and restricted warned and audited", () => {
      const ns = objects(r, "Namespace").find((n) => n.metadata.name === EDGE_NS);
      expect(ns.metadata.labels).to.deep.equal({
        "app.kubernetes.io/part-of": "meshmart",
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      });
      for (const cm of objects(r, "ConfigMap").filter((x) => x.metadata.namespace === EDGE_NS && x.metadata.name === "meshmart-gateway")) {
        expect(cm.metadata.labels).to.deep.equal({ "app.kubernetes.io/part-of": "meshmart" });
      }
    });

    it("replaces ingress-nginx: one Gateway of the implementation's class in the edge's namespace, admitting the shop's routes only", () => {
      expect(r.errors).to.deep.equal([]);
      expect(objects(r, "Ingress")).to.deep.equal([]);
      expect(release(r, "ingress-nginx")).to.equal(undefined);
      const gateways = objects(r, "Gateway");
      expect(gateways.map((g) => [g.metadata.namespace, g.metadata.name, g.spec.gatewayClassName])).to.deep.equal([[EDGE_NS, "meshmart", c.impl.className]]);
      for (const l of gateways[0].spec.listeners) {
        expect(l.allowedRoutes.namespaces).to.deep.equal({ from: "Selector", selector: { matchLabels: { "kubernetes.io/metadata.name": NS } } });
        if (c.host) expect(l.hostname).to.equal(c.host);
      }
    });

    if (c.tls) {
      it("HTTPS serves the storefront and the API with HSTS and refuses the cluster-only paths; plain HTTP only redirects (308)", () => {
        const https = objects(r, "Gateway")[0].spec.listeners.find((l: any) => l.protocol === "HTTPS");
        expect(https).to.deep.include({ port: 443, tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "meshmart-edge-tls" }] } });
        for (const path of PUBLIC) expect(answer(r, https.name, path), path).to.deep.equal({ backend: "gateway", redirect: undefined, headers: { "Strict-Transport-Security": "max-age=31536000" } });
        for (const path of CLUSTER_ONLY) expect(answer(r, https.name, path), path).to.deep.equal({ backend: undefined, redirect: undefined, headers: {} });
        for (const path of [...PUBLIC, ...CLUSTER_ONLY]) expect(answer(r, "http", path), path).to.deep.equal({ backend: undefined, redirect: { scheme: "https", statusCode: 308 }, headers: {} });
      });
    } else {
      it("plain HTTP serves the same routes, no HSTS, no HTTPS listener", () => {
        expect(objects(r, "Gateway")[0].spec.listeners.map((l: any) => [l.name, l.port, l.protocol])).to.deep.equal([["http", 80, "HTTP"]]);
        for (const path of PUBLIC) expect(answer(r, "http", path), path).to.deep.equal({ backend: "gateway", redirect: undefined, headers: {} });
        for (const path of CLUSTER_ONLY) expect(answer(r, "http", path), path).to.deep.equal({ backend: undefined, redirect: undefined, headers: {} });
        expect(objects(r, "HTTPRoute").filter((x) => x.metadata.namespace === NS && x.spec.parentRefs[0].kind === "Gateway")).to.have.length(1);
      });
    }

    it("keeps the certificate beside the Gateway, its key a secret (or cert-manager's Secret there)", () => {
      if (!c.tls) {
        expect(objects(r, "Secret").filter((s) => s.metadata.name === "meshmart-edge-tls")).to.deep.equal([]);
        return;
      }
      const certificate = objects(r, "Certificate");
      const secret = ofType(r, "kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "meshmart-edge-tls");
      if (certificate.length > 0) expect(certificate.map((x) => [x.metadata.namespace, x.spec.secretName, x.spec.dnsNames])).to.deep.equal([[EDGE_NS, "meshmart-edge-tls", [c.host]]]);
      else {
        const object = reveal(secret!.inputs);
        expect([object.type, object.metadata.namespace]).to.deep.equal(["kubernetes.io/tls", EDGE_NS]);
        expect(object.stringData["tls.key"]).to.match(/PRIVATE KEY/);
        // The key's mock PEM (run-stack.ts: "mock-<resource name>") never appears outside a secret.
        expect(plainText(r.resources)).to.not.contain("mock-edge-gateway-tls-key");
      }
    });

    it("waits for the gateway longer than the gateway may take (8 s at the default leaf budget)", () => {
      const route = objects(r, "HTTPRoute").find((x) => x.metadata.name === "meshmart")!;
      expect(route.spec.rules[0].timeouts).to.deep.equal({ request: "8000ms" });
    });

    it("every Gateway API object is valid under the pinned standard channel, unknown and experimental fields refused", () => {
      const declared = [...objects(r, "GatewayClass"), ...objects(r, "Gateway"), ...objects(r, "HTTPRoute").filter((x) => x.metadata.name.startsWith("meshmart"))];
      expect(declared.length).to.be.greaterThan(1);
      for (const o of declared) expect(standardChannel(o), `${o.kind} ${o.metadata.name}`).to.equal(undefined);
      const route = objects(r, "HTTPRoute").find((x) => x.metadata.name === "meshmart")!;
      // HTTPRoute retries are experimental in v1.5.1; a misspelt field is unknown.
      expect(standardChannel({ ...route, spec: { ...route.spec, rules: [{ ...route.spec.rules[0], retry: { attempts: 0 } }] } })).to.be.a("string");
      expect(standardChannel({ ...route, spec: { ...route.spec, hostname: ["x"] } })).to.be.a("string");
    });

    it("orders every Gateway API object after the one pinned manifest of its CRDs (kept on destroy), and the Gateway after its controller", () => {
      const crds = ofType(r, "kubernetes:yaml/v2:ConfigFile");
      expect(crds.map((x) => [reveal(x.inputs).file, x.retainOnDelete])).to.deep.equal([
        [`https://github.com/kubernetes-sigs/gateway-api/releases/download/${MESH_RELEASES.gatewayApi}/standard-install.yaml`, true],
      ]);
      for (const x of customResources(r, "gateway.networking.k8s.io")) expect(depends(r, x, crds[0]!), x.name).to.equal(true);
      const gateway = customResources(r, "gateway.networking.k8s.io").find((x) => x.type.endsWith(":Gateway"))!;
      expect(depends(r, gateway, release(r, c.impl.controllerRelease)!)).to.equal(true);
      // Nothing of the edge carries a finalizer or survives a destroy but the CRDs.
      for (const x of r.resources.filter((x) => /^(edge-gateway|envoy-gateway)/.test(x.name) && x.type !== "kubernetes:yaml/v2:ConfigFile")) {
        expect(x.retainOnDelete, x.name).to.not.equal(true);
        expect(reveal(x.inputs).metadata?.finalizers, x.name).to.equal(undefined);
      }
    });

    it("its URL names the edge's scheme and Service", () => {
      expect(r.outputs.ingressUrl).to.equal(c.url);
    });

    it("the edge's pods reach the gateway's port only; ingress-nginx's pods nothing (NetworkPolicies)", () => {
      const policies = objects(r, "NetworkPolicy") as Policy[];
      const edge: Pod = { name: "edge", namespace: c.impl.pods.namespace, labels: c.impl.pods.labels };
      const nginx: Pod = { name: "nginx", namespace: "ingress-nginx", labels: { ...INGRESS_NGINX_CONTROLLER_POD_LABELS } };
      const target = (s: ServiceName): Pod => ({ name: s, namespace: NS, labels: shopPod(r, s).labels });
      expect(allowed(policies, edge, target("gateway"), SERVICES.gateway.port)).to.equal(true);
      expect(allowed(policies, nginx, target("gateway"), SERVICES.gateway.port)).to.equal(false);
      for (const s of SERVICE_NAMES.filter((x) => x !== "gateway")) expect(allowed(policies, edge, target(s), SERVICES[s].port), s).to.equal(false);
    });

    if (c.mesh !== "none") {
      it(`${c.mesh}: the edge's identity asks the gateway what the edge may ask, and nothing else anywhere; ingress-nginx's identity nothing`, () => {
        const identity = { namespace: c.impl.pods.namespace, serviceAccount: c.impl.pods.serviceAccount };
        for (const op of INGRESS_OPERATIONS) {
          const path = op.path === "/" ? "/api/products" : `${op.path}/u1/add`;
          expect(meshAllows(r, c, identity, "gateway", { method: op.method, path }), `${op.method} ${path}`).to.equal(true);
          expect(meshAllows(r, c, NGINX, "gateway", { method: op.method, path }), `nginx ${op.method} ${path}`).to.equal(false);
        }
        expect(meshAllows(r, c, identity, "gateway", { method: "GET", path: "/metrics" })).to.equal(false);
        expect(meshAllows(r, c, identity, "gateway", { method: "PUT", path: "/api/cart/u1" })).to.equal(false);
        for (const to of SERVICE_NAMES.filter((s) => s !== "gateway")) {
          for (const method of ["GET", "POST"]) expect(meshAllows(r, c, identity, to, { method, path: `/${to}` }), `${method} ${to}`).to.equal(false);
        }
      });
    }

    if (c.mesh !== "none") {
      it(`${c.mesh}: the edge's proxies may send the tracing backend their spans (OTLP/gRPC), ingress-nginx's no longer`, () => {
        const policies = objects(r, "NetworkPolicy") as Policy[];
        const jaeger: Pod = { name: "jaeger", namespace: "tracing", labels: { ...JAEGER_CHART_OBJECTS.podLabels } };
        const edge: Pod = { name: "edge", namespace: c.impl.pods.namespace, labels: c.impl.pods.labels };
        const nginx: Pod = { name: "nginx", namespace: "ingress-nginx", labels: { ...INGRESS_NGINX_CONTROLLER_POD_LABELS } };
        expect(allowed(policies, edge, jaeger, JAEGER_CHART_OBJECTS.ports.otlpGrpc)).to.equal(true);
        expect(allowed(policies, edge, jaeger, JAEGER_CHART_OBJECTS.ports.query)).to.equal(false);
        expect(allowed(policies, nginx, jaeger, JAEGER_CHART_OBJECTS.ports.otlpGrpc)).to.equal(false);
      });
    }

    if (c.loadGenerator) {
      it(`the load generator reaches the edge's Service in ${c.tls ? "HTTPS, trusting the Gateway's certificate," : "plain HTTP"} and only the edge pods' ${c.tls ? "HTTPS" : "HTTP"} port`, () => {
        const gen = objects(r, "Deployment").find((d) => d.metadata.name === "load-generator")!;
        const container = gen.spec.template.spec.containers[0];
        const flag = (name: string) => container.args[container.args.indexOf(name) + 1];
        expect(flag("--target")).to.equal(`${c.tls ? "https" : "http"}://${c.impl.service.name}.${c.impl.service.namespace}.svc.cluster.local`);
        const [port, other] = c.tls ? [c.impl.pods.httpsPort, c.impl.pods.httpPort] : [c.impl.pods.httpPort, c.impl.pods.httpsPort];
        const policies = objects(r, "NetworkPolicy") as Policy[];
        const from: Pod = { name: "load-generator", namespace: NS, labels: gen.spec.template.metadata.labels };
        const edge: Pod = { name: "edge", namespace: c.impl.pods.namespace, labels: c.impl.pods.labels };
        expect(allowed(policies, from, edge, port), `→ edge :${port}`).to.equal(true);
        expect(allowed(policies, from, edge, other), `→ edge :${other}`).to.equal(false);
        expect(allowed(policies, from, { name: "nginx", namespace: "ingress-nginx", labels: { ...INGRESS_NGINX_CONTROLLER_POD_LABELS } }, c.tls ? 443 : 80)).to.equal(false);
        // Istio: its sidecar leaves that port alone (the Gateway's pods take the client's own HTTP or TLS).
        if (c.mesh === "istio") expect(gen.spec.template.metadata.annotations).to.include({ "traffic.sidecar.istio.io/excludeOutboundPorts": String(port) });
        // Linkerd: the Envoy pods serve that port outside their proxy.
        if (c.mesh === "linkerd") expect(objects(r, "EnvoyProxy")[0].spec.provider.kubernetes.envoyDeployment.pod.annotations["config.linkerd.io/skip-inbound-ports"].split(",")).to.include(String(port));
        if (c.tls) {
          // The Gateway's certificate (the SelfSignedCert edge-gateway-tls-cert under mocks), public part only, by NODE_EXTRA_CA_CERTS; its name as Host and SNI.
          const [cm] = objects(r, "ConfigMap").filter((o) => o.metadata.name === "load-generator-edge-ca");
          expect([cm?.metadata.namespace, cm?.data]).to.deep.equal([NS, { "ca.crt": "-----BEGIN CERTIFICATE-----\nmock-edge-gateway-tls-cert\n-----END CERTIFICATE-----\n" }]);
          expect(container.env).to.deep.equal([{ name: "NODE_EXTRA_CA_CERTS", value: "/etc/meshmart/edge-ca/ca.crt" }]);
          expect(flag("--host")).to.equal(c.host ?? "localhost");
        } else {
          expect(objects(r, "ConfigMap").filter((o) => o.metadata.name === "load-generator-edge-ca")).to.deep.equal([]);
          expect(container.env).to.deep.equal([]);
        }
      });
    }
  });
}

describe("the Gateway API edge with edgeTls off opens no HTTPS (NodePort)", function () {
  this.timeout(180_000);

  it("istio: one listener on 80, and the Service istiod provisions opens node port 30080 alone", async () => {
    const r = await run("istioGatewayApiHttp");
    const [gw] = objects(r, "Gateway");
    expect(gw.spec.listeners.map((l: any) => [l.port, l.protocol])).to.deep.equal([[80, "HTTP"]]);
    expect(gw.metadata.annotations).to.deep.equal({ [ISTIO_GATEWAY_API.serviceTypeAnnotation]: "NodePort" });
    const cm = objects(r, "ConfigMap").find((x) => x.metadata.name === gw.spec.infrastructure.parametersRef.name && x.metadata.namespace === EDGE_NS)!;
    expect(JSON.parse(cm.data.service)).to.deep.equal({ spec: { ports: [{ name: gw.spec.listeners[0].name, port: 80, nodePort: 30080 }] } });
  });

  it("linkerd: Envoy's Service opens node port 30080 alone, and only the plain listener's port skips the proxy", async () => {
    const r = await run("linkerdGatewayApiHttp");
    const [gw] = objects(r, "Gateway");
    expect(gw.spec.listeners.map((l: any) => [l.port, l.protocol])).to.deep.equal([[80, "HTTP"]]);
    const k = objects(r, "EnvoyProxy")[0].spec.provider.kubernetes;
    expect(k.envoyService).to.deep.equal({
      name: ENVOY_GATEWAY.workload,
      type: "NodePort",
      externalTrafficPolicy: "Local",
      patch: { type: "StrategicMerge", value: { spec: { ports: [{ port: 80, nodePort: 30080 }] } } },
    });
    expect(k.envoyDeployment.pod.annotations).to.deep.equal({
      "linkerd.io/inject": "enabled",
      "config.linkerd.io/skip-inbound-ports": `${ENVOY_GATEWAY.podHttpPort}`,
    });
  });
});

describe("the Gateway API edge: Istio's provisioning (istio stack)", function () {
  this.timeout(180_000);

  it("shapes the Service istiod provisions: NodePort on the fixed node ports (ports named as the listeners), or ClusterIP", async () => {
    const [tls, plain] = await Promise.all([run("istioGatewayApi"), run("istioGatewayApiPlain")]);
    const [gw] = objects(tls, "Gateway");
    expect(gw.metadata.annotations).to.deep.equal({ [ISTIO_GATEWAY_API.serviceTypeAnnotation]: "NodePort" });
    expect(gw.spec.infrastructure.parametersRef).to.deep.include({ group: "", kind: "ConfigMap" });
    const cm = objects(tls, "ConfigMap").find((x) => x.metadata.name === gw.spec.infrastructure.parametersRef.name && x.metadata.namespace === EDGE_NS)!;
    expect(JSON.parse(cm.data.service)).to.deep.equal({ spec: { ports: gw.spec.listeners.map((l: any) => ({ name: l.name, port: l.port, nodePort: l.port === 80 ? 30080 : 30443 })) } });
    const [plainGw] = objects(plain, "Gateway");
    expect(plainGw.metadata.annotations).to.deep.equal({ [ISTIO_GATEWAY_API.serviceTypeAnnotation]: "ClusterIP" });
    expect(plainGw.spec).not.to.have.property("infrastructure");
  });

  it("istiod: the provisioned pods get RuntimeDefault seccomp, and routes that name no retries are not retried; the ingress-nginx stack is unchanged", async () => {
    const istiod = async (v: Variant) => reveal(release(await run(v), "istiod")!.inputs).values;
    expect((await istiod("istioGatewayApi")).meshConfig.defaultHttpRetryPolicy).to.deep.equal({ attempts: 0 });
    expect((await istiod("istioGatewayApi")).gateways).to.deep.equal({ seccompProfile: { type: "RuntimeDefault" } });
    expect(await istiod("istio")).not.to.have.property("gateways");
    expect((await istiod("istio")).meshConfig).not.to.have.property("defaultHttpRetryPolicy");
  });

  it("applies no rate limit it cannot (Istio's Gateway API has none: docs/edge.md)", async () => {
    expect(objects(await run("istioGatewayApi"), "BackendTrafficPolicy")).to.deep.equal([]);
  });
});

describe("the Gateway API edge: Envoy Gateway (dev and linkerd stacks)", function () {
  this.timeout(180_000);
  let dev: StackRun;
  let linkerd: StackRun;
  before(async () => {
    [dev, linkerd] = await Promise.all([run("devGatewayApi"), run("linkerdGatewayApi")]);
  });

  it("installs the controller without CRDs or hook webhooks, its own CRDs from their chart applied server-side (no Helm release), and no Gateway API CRDs of its own", () => {
    for (const r of [dev, linkerd]) {
      expect(release(r, "envoy-gateway-crds")!.type).to.equal(CHART);
      expect(reveal(release(r, "envoy-gateway")!.inputs).values).to.deep.equal({ crds: { enabled: false }, topologyInjector: { enabled: false } });
      expect(reveal(release(r, "envoy-gateway-crds")!.inputs).values).to.deep.equal({ crds: { gatewayAPI: { enabled: false }, envoyGateway: { enabled: true } } });
      expect(reveal(release(r, "envoy-gateway")!.inputs).namespace).to.equal(ENVOY_GATEWAY.namespace);
      expect(depends(r, release(r, "envoy-gateway")!, release(r, "envoy-gateway-crds")!)).to.equal(true);
    }
    // linkerd: the one manifest is the control plane's, applied before linkerd-crds.
    expect(ofType(linkerd, "kubernetes:yaml/v2:ConfigFile").map((x) => x.name)).to.deep.equal(["linkerd-gateway-api-crds"]);
    expect(ofType(dev, "kubernetes:yaml/v2:ConfigFile").map((x) => x.name)).to.deep.equal(["envoy-gateway-gateway-api-crds"]);
  });

  it("its GatewayClass names the controller and an EnvoyProxy that fixes the data plane's names (the identity the policies name)", () => {
    for (const r of [dev, linkerd]) {
      const [cls] = objects(r, "GatewayClass");
      expect(cls.spec.controllerName).to.equal(ENVOY_GATEWAY.controllerName);
      const proxy = objects(r, "EnvoyProxy").find((p) => p.metadata.name === cls.spec.parametersRef.name)!;
      expect(cls.spec.parametersRef).to.deep.equal({ group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: proxy.metadata.name, namespace: ENVOY_GATEWAY.namespace });
      const k = proxy.spec.provider.kubernetes;
      expect([k.envoyDeployment.name, k.envoyService.name, k.envoyServiceAccount.name]).to.deep.equal([ENVOY_GATEWAY.workload, ENVOY_GATEWAY.workload, ENVOY_GATEWAY.workload]);
      // Deleted after the Gateway and before the controller that clears its finalizer.
      const registered = customResources(r, "gateway.networking.k8s.io");
      const classReg = registered.find((x) => x.type.endsWith(":GatewayClass"))!;
      expect(depends(r, classReg, release(r, "envoy-gateway")!)).to.equal(true);
      expect(depends(r, registered.find((x) => x.type.endsWith(":Gateway"))!, classReg)).to.equal(true);
    }
  });

  it("shapes the Service: the cloud's LoadBalancer keeping client addresses (dev), fixed node ports (linkerd)", () => {
    const service = (r: StackRun) => objects(r, "EnvoyProxy")[0].spec.provider.kubernetes.envoyService;
    expect(service(dev)).to.deep.equal({ name: ENVOY_GATEWAY.workload, type: "LoadBalancer", externalTrafficPolicy: "Local" });
    expect(service(linkerd)).to.deep.equal({
      name: ENVOY_GATEWAY.workload,
      type: "NodePort",
      externalTrafficPolicy: "Local",
      patch: { type: "StrategicMerge", value: { spec: { ports: [{ port: 80, nodePort: 30080 }, { port: 443, nodePort: 30443 }] } } },
    });
  });

  it("linkerd: meshes the proxy pods, their listener ports outside the proxy, routing to Services; dev: no mesh", () => {
    const spec = (r: StackRun) => objects(r, "EnvoyProxy")[0].spec;
    expect(spec(linkerd).provider.kubernetes.envoyDeployment.pod.annotations).to.deep.equal({
      "linkerd.io/inject": "enabled",
      "config.linkerd.io/skip-inbound-ports": `${ENVOY_GATEWAY.podHttpPort},${ENVOY_GATEWAY.podHttpsPort}`,
    });
    expect(spec(linkerd).routingType).to.equal("Service");
    expect(spec(dev).provider.kubernetes.envoyDeployment).to.deep.equal({ name: ENVOY_GATEWAY.workload });
    expect(spec(dev)).not.to.have.property("routingType");
    // The proxies start after the injector: the Gateway (which makes them) waits for the control plane.
    const gateway = customResources(linkerd, "gateway.networking.k8s.io").find((x) => x.type.endsWith(":Gateway"))!;
    expect(depends(linkerd, gateway, release(linkerd, "linkerd-control-plane")!)).to.equal(true);
  });

  it("limits each client address's requests a second on every route of the Gateway, IPv4 and IPv6", () => {
    for (const r of [dev, linkerd]) {
      const policies = objects(r, "BackendTrafficPolicy");
      expect(policies.map((p) => [p.metadata.namespace, p.spec.targetRefs])).to.deep.equal([[EDGE_NS, [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "meshmart" }]]]);
      expect(policies[0].spec.rateLimit).to.deep.equal({
        type: "Local",
        local: {
          rules: ["0.0.0.0/0", "::/0"].map((value) => ({ clientSelectors: [{ sourceCIDR: { type: "Distinct", value } }], limit: { requests: 20, unit: "Second" } })),
        },
      });
      const reg = ofType(r, "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy")[0]!;
      expect(depends(r, reg, release(r, "envoy-gateway-crds")!)).to.equal(true);
    }
  });

  it("every Envoy Gateway object is valid under the pinned release's CRDs, unknown fields refused", () => {
    for (const r of [dev, linkerd]) {
      for (const o of [...objects(r, "EnvoyProxy"), ...objects(r, "BackendTrafficPolicy")]) expect(envoyGatewayCrds(o), `${o.kind} ${o.metadata.name}`).to.equal(undefined);
    }
    const [policy] = objects(dev, "BackendTrafficPolicy");
    expect(envoyGatewayCrds({ ...policy, spec: { ...policy.spec, rateLimit: { ...policy.spec.rateLimit, type: "Locale" } } })).to.be.a("string");
    expect(envoyGatewayCrds({ ...policy, spec: { ...policy.spec, rateLimits: {} } })).to.be.a("string");
  });
});
