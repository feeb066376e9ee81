/**
 * The istio and linkerd stacks under mocks, from their own stack files (and
 * variants with other canary weights): the control planes, pinned and in
 * order; injection; how ingress-nginx and Prometheus join the mesh; routing
 * (timeouts, GET-only retries, the canary split from config); identity
 * secrets; and every mesh custom resource ordered after its CRD's release.
 * Authorization itself is evaluated in mesh-authz.test.ts.
 */
import { expect } from "chai";
import { CALL_OPERATIONS, ENV, SERVICE_NAMES, SERVICES } from "../../services/topology";
import { authzEdges, INGRESS_OPERATIONS } from "../../infra/authz/graph";
import { CHART_PINS, GATEWAY_API_STANDARD_INSTALL, ISTIO_PROMETHEUS_PROXY_METADATA, LINKERD_VIZ_PROXY_RELABELINGS } from "./fixtures/upstream";
import { meshTimeouts } from "../../infra/mesh/route-numbers";
import { directDependencies, isSecret, objects, ofType, plainText, reveal, run, transitiveDependencies, type Registration, type StackRun } from "./support/stacks";
import { TRACKS } from "./support/shop-shape";

/** The routes' numbers at the stack files' leaf budget (2000 ms). */
const T2000 = meshTimeouts(2000);
const release = (r: StackRun, chart: string) => ofType(r, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === chart)!;
const customResources = (r: StackRun, pattern: RegExp) => r.resources.filter((x) => x.custom && pattern.test(x.type));

/** Whether `x` (transitively, through dependencies and ancestors' dependencies) waits for `target`. */
const waitsFor = (r: StackRun, x: Registration, target: Registration) => transitiveDependencies(r, x).has(target.urn);

const envOf = (d: any) => Object.fromEntries((d.spec.template.spec.containers[0].env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]));

describe("the mesh stacks under mocks", function () {
  this.timeout(180_000);

  describe("both meshes", () => {
    for (const stack of ["istio", "linkerd"] as const) {
      it(`${stack}: the services' own retries are off (the mesh retries), set from the stack's config`, async () => {
        const r = await run(stack);
        expect(r.config["meshmart:upstreamRetries"]).to.equal("0");
        for (const d of objects(r, "Deployment")) expect(envOf(d)[ENV.upstreamRetries], d.metadata.name).to.equal("0");
      });

      it(`${stack}: installs the mesh before the workloads and before the meshed platform charts`, async () => {
        const r = await run(stack);
        const controlPlane = release(r, stack === "istio" ? "istiod" : "linkerd-control-plane");
        for (const x of [...ofType(r, "kubernetes:apps/v1:Deployment"), ...ofType(r, "kubernetes:core/v1:Namespace").filter((n) => n.inputs.metadata.name === "meshmart")]) {
          expect(waitsFor(r, x, controlPlane), x.urn).to.equal(true);
        }
        for (const chart of ["ingress-nginx", "kube-prometheus-stack"]) expect(waitsFor(r, release(r, chart), controlPlane), chart).to.equal(true);
      });

      it(`${stack}: budgets the proxy of every pod in the namespace's quota`, async () => {
        const [quota] = objects(await run(stack), "ResourceQuota");
        // Every autoscaled track at 10 pods + 1 surge, and Redis's 2 (Redis 100m/500m and its exporter
        // sidecar 10m/100m); every pod carries a 50m / 32-64Mi proxy.
        const trackPods = TRACKS.length * 11;
        expect(Number(quota.spec.hard.pods)).to.equal(trackPods + 2);
        expect(quota.spec.hard["requests.cpu"]).to.equal(`${trackPods * (50 + 50) + 2 * (100 + 10 + 50)}m`);
        expect(quota.spec.hard["limits.cpu"]).to.equal(`${trackPods * (500 + 1000) + 2 * (500 + 100 + 1000)}m`);
      });
    }
  });

  describe("istio (Pulumi.istio.yaml)", () => {
    let r: StackRun;
    before(async () => {
      r = await run("istio");
    });

    it("installs base then istiod, pinned, from the istio-release repository", () => {
      const base = release(r, "base");
      const istiod = release(r, "istiod");
      for (const [rel, ref] of [[base, CHART_PINS.istioBase], [istiod, CHART_PINS.istiod]] as const) {
        expect(rel.inputs).to.deep.include({ chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo }, namespace: "istio-system" });
        expect(rel.inputs.version).to.match(/^1\.\d+\.\d+$/);
      }
      expect(istiod.dependencies).to.include(base.urn);
      expect(ofType(r, "kubernetes:helm.sh/v3:Release").map((x) => x.inputs.chart)).not.to.include("gateway");
    });

    it("configures istiod: probe rewrite, no plaintext metrics merging, registry-only egress, sized sidecars", () => {
      const values = reveal(release(r, "istiod").inputs).values;
      expect(values.sidecarInjectorWebhook.rewriteAppHTTPProbe).to.equal(true);
      expect(values.meshConfig).to.deep.include({ enablePrometheusMerge: false, outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });
      expect(values.meshConfig.defaultConfig.holdApplicationUntilProxyStarts).to.equal(true);
      expect(values.global.proxy.resources).to.deep.equal({ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } });
    });

    it("injects the shop's namespace, and rewrites every pod's probes", () => {
      const ns = objects(r, "Namespace").find((n) => n.metadata.name === "meshmart");
      expect(ns.metadata.labels["istio-injection"]).to.equal("enabled");
      for (const d of objects(r, "Deployment")) expect(d.spec.template.metadata.annotations).to.include({ "sidecar.istio.io/rewriteAppHTTPProbers": "true" });
    });

    it("meshes ingress-nginx for outbound calls only, proxying to the gateway Service by its mesh host", () => {
      const controller = reveal(release(r, "ingress-nginx").inputs).values.controller;
      expect(controller.podLabels).to.deep.equal({ "sidecar.istio.io/inject": "true" });
      expect(controller.podAnnotations).to.deep.equal({ "traffic.sidecar.istio.io/includeInboundPorts": "" });
      const [ingress] = objects(r, "Ingress");
      expect(ingress.metadata.annotations).to.deep.equal({
        "nginx.ingress.kubernetes.io/service-upstream": "true",
        "nginx.ingress.kubernetes.io/upstream-vhost": "gateway.meshmart.svc.cluster.local",
        "nginx.ingress.kubernetes.io/proxy-next-upstream": "off",
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "8",
        "nginx.ingress.kubernetes.io/limit-rps": "20",
        "nginx.ingress.kubernetes.io/limit-connections": "50",
        // HTTPS at the edge by default (edge-tls-metallb.test.ts).
        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
      });
    });

    it("gives Prometheus a certificate-only sidecar whose certificate the ServiceMonitors scrape with", () => {
      const spec = reveal(release(r, "kube-prometheus-stack").inputs).values.prometheus.prometheusSpec;
      expect(spec.podMetadata.labels).to.deep.equal({ "sidecar.istio.io/inject": "true" });
      expect(spec.podMetadata.annotations).to.include({ "traffic.sidecar.istio.io/includeInboundPorts": "", "traffic.sidecar.istio.io/includeOutboundIPRanges": "" });
      expect(JSON.parse(spec.podMetadata.annotations["proxy.istio.io/config"])).to.deep.equal({ proxyMetadata: ISTIO_PROMETHEUS_PROXY_METADATA });
      expect(JSON.parse(spec.podMetadata.annotations["sidecar.istio.io/userVolumeMount"])).to.deep.equal([{ name: "istio-certs", mountPath: "/etc/istio-output-certs" }]);
      expect(spec.volumes).to.deep.equal([{ name: "istio-certs", emptyDir: { medium: "Memory" } }]);
      expect(spec.volumeMounts).to.deep.equal([{ name: "istio-certs", mountPath: "/etc/prom-certs", readOnly: true }]);
      for (const m of objects(r, "ServiceMonitor")) {
        const tls = m.spec.endpoints[0].tlsConfig;
        expect(m.spec.endpoints[0].scheme).to.equal("https");
        for (const file of [tls.caFile, tls.certFile, tls.keyFile]) expect(file.startsWith("/etc/prom-certs/")).to.equal(true);
      }
      const [envoy] = objects(r, "PodMonitor");
      expect(envoy.spec.podMetricsEndpoints).to.deep.equal([{ port: "http-envoy-prom", path: "/stats/prometheus", interval: "15s" }]);
    });

    it("gives every service a DestinationRule (mTLS, pool, outlier detection) and Redis one; payment's has v1/v2 subsets", () => {
      const rules = objects(r, "DestinationRule");
      expect(rules.map((d) => d.metadata.name).sort()).to.deep.equal([...SERVICE_NAMES, "redis"].sort());
      for (const d of rules) {
        expect(d.spec.host).to.equal(`${d.metadata.name}.meshmart.svc.cluster.local`);
        expect(d.spec.trafficPolicy.tls).to.deep.equal({ mode: "ISTIO_MUTUAL" });
        expect(d.spec.trafficPolicy.connectionPool.tcp).to.have.keys("maxConnections", "connectTimeout");
        if (d.metadata.name !== "redis") expect(d.spec.trafficPolicy.outlierDetection).to.include.keys("consecutive5xxErrors", "baseEjectionTime", "maxEjectionPercent");
      }
      const payment = rules.find((d) => d.metadata.name === "payment");
      expect(payment.spec.subsets).to.deep.equal([{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }]);
      // The subsets select the pods payment's Deployments run.
      for (const v of ["v1", "v2"]) expect(objects(r, "Deployment").find((d) => d.metadata.name === `payment-${v}`).spec.template.metadata.labels.version).to.equal(v);
    });

    it("times out every route by its service's budget, retries GET toward leaves only, and sets attempts: 0 on every other route", () => {
      const services = objects(r, "VirtualService");
      expect(services.map((v) => v.metadata.name).sort()).to.deep.equal([...SERVICE_NAMES].sort());
      for (const vs of services) {
        for (const route of vs.spec.http) {
          expect(route.timeout, vs.metadata.name).to.equal(`${T2000[vs.metadata.name as (typeof SERVICE_NAMES)[number]].requestMs / 1000}s`);
          if (route.match?.[0]?.method?.exact === "GET" && SERVICES[vs.metadata.name as (typeof SERVICE_NAMES)[number]].calls.length === 0) {
            expect(route.retries).to.deep.equal({ attempts: 2, perTryTimeout: "0.6s", retryOn: "connect-failure,refused-stream,reset,5xx" });
          } else {
            expect(route.retries, `${vs.metadata.name}: POST, or a service that calls others: never retried`).to.deep.equal({ attempts: 0 });
          }
        }
        expect(vs.spec.http.map((h: any) => h.name)).to.deep.equal(["get", "other"]);
      }
    });

    it("splits payment 95/5 over the subsets, from config (20% in the istioCanary variant)", async () => {
      const weights = (run: StackRun) =>
        objects(run, "VirtualService")
          .find((v) => v.metadata.name === "payment")
          .spec.http.map((h: any) => Object.fromEntries(h.route.map((d: any) => [d.destination.subset, d.weight])));
      expect(weights(r)).to.deep.equal([{ v1: 95, v2: 5 }, { v1: 95, v2: 5 }]);
      const variant = await run("istioCanary");
      expect(weights(variant)).to.deep.equal([{ v1: 80, v2: 20 }, { v1: 80, v2: 20 }]);
      // The route timeout follows the leaf budget (3000 ms there): catalog's route answers a margin before its callers give up.
      expect(objects(variant, "VirtualService").find((v) => v.metadata.name === "catalog").spec.http[0].timeout).to.equal("2.8s");
    });

    it("orders every Istio custom resource after base and istiod, and the PodMonitor after kube-prometheus-stack", () => {
      const base = release(r, "base");
      const istiod = release(r, "istiod");
      const crs = customResources(r, /istio\.io/);
      // The PeerAuthentication; AuthorizationPolicies: allow-nothing, one per service and Redis's;
      // DestinationRules: one per service and Redis's; VirtualServices: one per service; the mesh-wide
      // Telemetry that turns tracing on (meshmart:tracing follows monitoring, on in this stack).
      const n = SERVICE_NAMES.length;
      expect(crs.map((c) => c.type)).to.include("kubernetes:telemetry.istio.io/v1:Telemetry");
      expect(crs.length).to.equal(1 + (1 + n + 1) + (n + 1) + n + 1);
      for (const x of crs) expect(directDependencies(r, x), x.urn).to.include.members([base.urn, istiod.urn]);
      const podMonitor = ofType(r, "kubernetes:monitoring.coreos.com/v1:PodMonitor")[0]!;
      expect(directDependencies(r, podMonitor)).to.include.members([base.urn, release(r, "kube-prometheus-stack").urn]);
    });
  });

  describe("linkerd (Pulumi.linkerd.yaml)", () => {
    let r: StackRun;
    before(async () => {
      r = await run("linkerd");
    });

    it("installs the Gateway API CRDs, then linkerd-crds, linkerd-control-plane and linkerd-viz, pinned edge releases", () => {
      const [gatewayApi] = ofType(r, "kubernetes:yaml/v2:ConfigFile");
      expect(gatewayApi!.inputs.file).to.equal(GATEWAY_API_STANDARD_INSTALL);
      const crds = release(r, "linkerd-crds");
      const controlPlane = release(r, "linkerd-control-plane");
      const viz = release(r, "linkerd-viz");
      for (const [rel, ref] of [[crds, CHART_PINS.linkerdCrds], [controlPlane, CHART_PINS.linkerdControlPlane], [viz, CHART_PINS.linkerdViz]] as const) {
        expect(rel.inputs).to.deep.include({ chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo } });
        expect(rel.inputs.version).to.match(/^20\d\d\.\d+\.\d+$/);
      }
      expect(crds.dependencies).to.include(gatewayApi!.urn);
      expect(controlPlane.dependencies).to.include(crds.urn);
      expect(viz.dependencies).to.include(controlPlane.urn);
      expect(reveal(crds.inputs).values).to.deep.equal({ installGatewayAPI: false });
      expect([crds.inputs.namespace, controlPlane.inputs.namespace, viz.inputs.namespace]).to.deep.equal(["linkerd", "linkerd", "linkerd-viz"]);
    });

    it("generates an ECDSA P-256 trust anchor and issuer, both CAs that can only sign, with sensible validity", () => {
      // Linkerd's identity's own (the edge's certificate is edge-tls-metallb.test.ts's).
      const keys = ofType(r, "tls:index/privateKey:PrivateKey").filter((x) => x.name.startsWith("linkerd-identity"));
      expect(keys).to.have.length(2);
      for (const k of keys) expect(k.inputs).to.deep.include({ algorithm: "ECDSA", ecdsaCurve: "P256" });
      const [anchor] = ofType(r, "tls:index/selfSignedCert:SelfSignedCert").filter((x) => x.name.startsWith("linkerd-identity"));
      const [issuer] = ofType(r, "tls:index/locallySignedCert:LocallySignedCert");
      const [request] = ofType(r, "tls:index/certRequest:CertRequest");
      expect(anchor!.inputs).to.deep.include({ isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing"], validityPeriodHours: 87600, subject: { commonName: "root.linkerd.cluster.local" } });
      expect(issuer!.inputs).to.deep.include({ isCaCertificate: true, maxPathLength: 0, allowedUses: ["cert_signing", "crl_signing"], validityPeriodHours: 8760, earlyRenewalHours: 720 });
      expect(request!.inputs.subject).to.deep.equal({ commonName: "identity.linkerd.cluster.local" });
      // The issuer is signed by the trust anchor's key, with the anchor's certificate.
      expect(reveal(issuer!.inputs.caPrivateKeyPem)).to.contain("mock-linkerd-identity-trust-anchor-key");
      expect(issuer!.inputs.caCertPem).to.contain("mock-linkerd-identity-trust-anchor");
    });

    it("passes the identity to the control plane with the keys secret, never in plain text", () => {
      const controlPlane = release(r, "linkerd-control-plane");
      const values = reveal(controlPlane.inputs.values);
      expect(values.identityTrustAnchorsPEM).to.contain("mock-linkerd-identity-trust-anchor");
      expect(values.identity.issuer.tls.crtPEM).to.contain("mock-linkerd-identity-issuer");
      expect(values.identity.issuer.tls.keyPEM).to.contain("mock-linkerd-identity-issuer-key");
      expect(isSecret(controlPlane.inputs.values) || isSecret(controlPlane.inputs.values.identity.issuer.tls.keyPEM)).to.equal(true);
      for (const key of ["mock-linkerd-identity-issuer-key", "mock-linkerd-identity-trust-anchor-key"]) {
        expect(r.resources.filter((x) => x.type !== "tls:index/privateKey:PrivateKey" && plainText(x.inputs).includes(key)).map((x) => x.urn)).to.deep.equal([]);
        expect(plainText(r.outputs)).not.to.contain(key);
      }
      expect(values.disableHeartBeat).to.equal(true);
    });

    it("injects the shop's namespace with a default-deny inbound policy, and meshes ingress-nginx and Prometheus", () => {
      const ns = objects(r, "Namespace").find((n) => n.metadata.name === "meshmart");
      expect(ns.metadata.annotations).to.deep.equal({ "linkerd.io/inject": "enabled", "config.linkerd.io/default-inbound-policy": "deny" });
      const controller = reveal(release(r, "ingress-nginx").inputs).values.controller;
      expect(controller.podAnnotations).to.deep.equal({ "linkerd.io/inject": "enabled", "config.linkerd.io/skip-inbound-ports": "80,443,8443" });
      expect(objects(r, "Ingress")[0].metadata.annotations).to.deep.equal({
        "nginx.ingress.kubernetes.io/service-upstream": "true",
        "nginx.ingress.kubernetes.io/proxy-next-upstream": "off",
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "8",
        "nginx.ingress.kubernetes.io/limit-rps": "20",
        "nginx.ingress.kubernetes.io/limit-connections": "50",
        // HTTPS at the edge by default (edge-tls-metallb.test.ts).
        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
      });
      const prometheus = reveal(release(r, "kube-prometheus-stack").inputs).values.prometheus;
      expect(prometheus.prometheusSpec.podMetadata).to.deep.equal({ annotations: { "linkerd.io/inject": "enabled" } });
      expect(prometheus.serviceAccount.name).to.equal("kps-prometheus");
      const linkerdNs = objects(r, "Namespace").find((n) => n.metadata.name === "linkerd");
      expect(linkerdNs.metadata.labels).to.include({ "linkerd.io/is-control-plane": "true", "config.linkerd.io/admission-webhooks": "disabled" });
    });

    it("routes every service through two HTTPRoutes on its Service: GET retried toward leaves, everything timed out", () => {
      const routes = objects(r, "HTTPRoute").filter((h) => h.spec.parentRefs[0].kind === "Service");
      expect(routes.map((h) => h.metadata.name).sort()).to.deep.equal(SERVICE_NAMES.flatMap((s) => [s, `${s}-get`]).sort());
      for (const h of routes) {
        const service = h.metadata.name.replace(/-get$/, "") as (typeof SERVICE_NAMES)[number];
        expect(h.spec.parentRefs).to.deep.equal([{ group: "core", kind: "Service", name: service, port: SERVICES[service].port }]);
        expect(h.metadata.annotations["timeout.linkerd.io/request"]).to.equal(`${T2000[service].requestMs}ms`);
        const retried = Object.keys(h.metadata.annotations).filter((k) => k.startsWith("retry.linkerd.io/"));
        if (h.metadata.name.endsWith("-get")) expect(h.spec.rules[0].matches).to.deep.equal([{ path: { type: "PathPrefix", value: "/" }, method: "GET" }]);
        if (h.metadata.name.endsWith("-get") && SERVICES[service].calls.length === 0) {
          expect(h.metadata.annotations).to.include({ "retry.linkerd.io/http": "5xx", "retry.linkerd.io/limit": "2", "retry.linkerd.io/timeout": "600ms" });
        } else {
          if (!h.metadata.name.endsWith("-get")) expect(h.spec.rules[0].matches).to.deep.equal([{ path: { type: "PathPrefix", value: "/" } }]);
          expect(retried, h.metadata.name).to.deep.equal([]);
        }
      }
    });

    it("splits payment 95/5 across payment-v1 and payment-v2, from config (all to v2 in the linkerdCanary variant)", async () => {
      const backends = (run: StackRun) =>
        objects(run, "HTTPRoute")
          .filter((h) => h.spec.parentRefs[0].kind === "Service" && h.spec.parentRefs[0].name === "payment")
          .map((h) => h.spec.rules[0].backendRefs);
      expect(backends(r)).to.deep.equal([0, 1].map(() => [{ name: "payment-v1", port: 5003, weight: 95 }, { name: "payment-v2", port: 5003, weight: 5 }]));
      expect(backends(await run("linkerdCanary"))).to.deep.equal([0, 1].map(() => [{ name: "payment-v2", port: 5003, weight: 100 }]));
      // The backends are the per-version Services, which select one version's pods each.
      for (const v of ["v1", "v2"]) expect(objects(r, "Service").find((s) => s.metadata.name === `payment-${v}`).spec.selector).to.deep.equal({ app: "payment", version: v });
    });

    it("orders every policy resource after linkerd-crds and the control plane, and every HTTPRoute after the Gateway API CRDs", () => {
      const [gatewayApi] = ofType(r, "kubernetes:yaml/v2:ConfigFile");
      const crds = release(r, "linkerd-crds");
      const controlPlane = release(r, "linkerd-control-plane");
      const policy = customResources(r, /policy\.linkerd\.io/);
      // Shared: the kubelet's NetworkAuthentication and Prometheus's MeshTLSAuthentication. Per service:
      // its Server, per granted operation a MeshTLSAuthentication and an AuthorizationPolicy, and the
      // metrics and probes routes' AuthorizationPolicies; Redis: 3, and its exporter's Server and
      // scrape AuthorizationPolicy; the proxies' admin port: 4, and the platform Prometheus's policy.
      const operations = new Set(authzEdges().filter((e) => e.kind === "call" || e.kind === "ingress").flatMap((e) => (e.operations ?? []).map((o) => `${e.to} ${o.method} ${o.path}`)));
      const granted = new Set([
        ...SERVICE_NAMES.flatMap((from) => Object.entries(CALL_OPERATIONS[from]).flatMap(([to, ops]) => ops!.map((o) => `${to} ${o.method} ${o.path}`))),
        ...SERVICE_NAMES.filter((s) => SERVICES[s].public).flatMap((s) => INGRESS_OPERATIONS.map((o) => `${s} ${o.method} ${o.path}`)),
      ]);
      expect([...operations]).to.have.members([...granted]);
      expect(policy.length).to.equal(2 + SERVICE_NAMES.length * 3 + operations.size * 2 + 3 + 2 + 4 + 1);
      for (const x of policy) expect(directDependencies(r, x), x.urn).to.include.members([crds.urn, controlPlane.urn]);
      const routes = customResources(r, /gateway\.networking\.k8s\.io/);
      // Client-side: two per service; authorization: one per granted operation and two per service's Server,
      // one on Redis's exporter's Server; two on the admin port.
      expect(routes.length).to.equal(SERVICE_NAMES.length * 2 + operations.size + SERVICE_NAMES.length * 2 + 1 + 2);
      for (const x of routes) expect(directDependencies(r, x), x.urn).to.include.members([gatewayApi!.urn, controlPlane.urn]);
    });

    it("scrapes the proxies' admin port with the platform's Prometheus: a PodMonitor with linkerd-viz's relabeling, after kube-prometheus-stack and the control plane", () => {
      const monitors = ofType(r, "kubernetes:monitoring.coreos.com/v1:PodMonitor");
      expect(monitors.map((m) => reveal(m.inputs).metadata.name)).to.deep.equal(["linkerd-proxy"]);
      const monitor = reveal(monitors[0]!.inputs);
      expect(monitor.metadata.namespace).to.equal("meshmart");
      expect(monitor.spec.namespaceSelector).to.deep.equal({ matchNames: ["meshmart"] });
      // The proxy injector's pod label, and the proxy container's admin port (linkerd2 edge-26.8.3).
      expect(monitor.spec.selector).to.deep.equal({ matchExpressions: [{ key: "linkerd.io/control-plane-ns", operator: "In", values: ["linkerd"] }] });
      const [endpoint] = monitor.spec.podMetricsEndpoints;
      expect(endpoint).to.include({ port: "linkerd-admin", path: "/metrics" });
      // linkerd-viz's linkerd-proxy job, rule for rule (linkerd.io/proxy-deployment becomes `deployment`).
      expect(endpoint.relabelings).to.deep.equal(LINKERD_VIZ_PROXY_RELABELINGS);
      const kept = new RegExp(`^(?:${endpoint.metricRelabelings[0].regex})$`);
      for (const name of ["response_total", "response_latency_ms_bucket", "request_total"]) expect(kept.test(name), name).to.equal(true);
      expect(kept.test("tcp_open_total")).to.equal(false);
      expect(directDependencies(r, monitors[0]!)).to.include.members([release(r, "kube-prometheus-stack").urn, release(r, "linkerd-control-plane").urn]);
    });

    it("without monitoring, authorizes no Prometheus identity", async () => {
      const variant = await run("linkerdCanary");
      expect(variant.errors).to.deep.equal([]);
      expect(JSON.stringify(objects(variant, "MeshTLSAuthentication"))).not.to.contain("kps-prometheus");
      // Only the shared Prometheus authentication goes, and with it every /metrics route's policy.
      expect(objects(variant, "MeshTLSAuthentication").length).to.equal(objects(r, "MeshTLSAuthentication").length - 1);
      expect(objects(variant, "AuthorizationPolicy").filter((p) => p.metadata.name.endsWith("-metrics") && p.metadata.name !== "proxy-metrics")).to.deep.equal([]);
    });
  });
});
