/**
 * Tracing in the cluster stacks (meshmart:tracing, on with monitoring unless
 * set), under mocks: Jaeger's pinned release in its own restricted namespace;
 * the services pointed at its OTLP/HTTP port with the stack's sampling
 * ratio; Istio's proxies (an OpenTelemetry extension provider and a
 * mesh-wide Telemetry, after the CRDs) and Linkerd's (the control plane's
 * proxy.tracing, the collector meshed and installed after the injector)
 * sending their spans to its OTLP/gRPC port; Grafana's Jaeger datasource;
 * and the one new network edge — the services to the collector's OTLP ports
 * — evaluated with the NetworkPolicy evaluator, nothing else opened. Every
 * expectation is a literal from upstream (fixtures/upstream.ts, the Istio
 * and Linkerd field names cited here) or from the issue, never the
 * program's constants. Runs: the shared variants (support/stacks.ts):
 *
 *   on:  dev, istio, linkerd (monitoring on), istioCanary (ratio 0.25)
 *   off: devLocal, linkerdCanary (monitoring off), devExternalRedis,
 *        istioExternalRedis (tracing false with monitoring on)
 */
import { expect } from "chai";
import { authzEdges, type AuthzEdge } from "../../infra/authz/graph";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import { CHART_PINS, GRAFANA_POD_LABELS_UPSTREAM, INGRESS_NGINX_CONTROLLER_POD_LABELS, JAEGER_CHART_OBJECTS, PROMETHEUS_POD_LABELS_UPSTREAM } from "./fixtures/upstream";
import { INTENDED_TRACES } from "./fixtures/intended-graph";
import { allowed, type Pod, type Policy } from "./support/netpol";
import { directDependencies, objects, ofType, reveal, run, type Registration, type StackRun, type Variant } from "./support/stacks";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NS = "meshmart";
const HOST = `${JAEGER_CHART_OBJECTS.service}.tracing.svc.cluster.local`;
const OTLP_HTTP_URL = `http://${HOST}:${JAEGER_CHART_OBJECTS.ports.otlpHttp}`;
const OTLP_GRPC = JAEGER_CHART_OBJECTS.ports.otlpGrpc;
/** The OpenTelemetry SDK's standard names (the spec's environment variables). */
const OTEL = { endpoint: "OTEL_EXPORTER_OTLP_ENDPOINT", sampler: "OTEL_TRACES_SAMPLER", arg: "OTEL_TRACES_SAMPLER_ARG" };

const ON: Partial<Record<Variant, { stack: "dev" | "istio" | "linkerd"; ratio: string }>> = {
  dev: { stack: "dev", ratio: "1" },
  istio: { stack: "istio", ratio: "1" },
  linkerd: { stack: "linkerd", ratio: "1" },
  istioCanary: { stack: "istio", ratio: "0.25" },
};
const OFF: Variant[] = ["devLocal", "linkerdCanary", "devExternalRedis", "istioExternalRedis"];

const releases = (r: StackRun) => ofType(r, RELEASE);
const releaseOf = (r: StackRun, chart: string): Registration | undefined => releases(r).find((x) => reveal(x.inputs).chart === chart);
const valuesOf = (r: StackRun, chart: string) => reveal(releaseOf(r, chart)!.inputs).values;
const envOf = (d: any): Record<string, string> => Object.fromEntries((d.spec.template.spec.containers[0].env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const serviceDeployments = (r: StackRun) => objects(r, "Deployment").filter((d) => (SERVICE_NAMES as readonly string[]).includes(d.spec.template.metadata.labels.app));

describe("tracing in the cluster stacks", function () {
  this.timeout(300_000);

  for (const [variant, on] of Object.entries(ON) as [Variant, { stack: string; ratio: string }][]) {
    describe(`${variant} (tracing on)`, () => {
      let r: StackRun;
      before(async () => {
        r = await run(variant);
      });

      it("installs Jaeger's pinned chart as release jaeger in the namespace tracing, which enforces restricted", () => {
        const rel = releaseOf(r, "jaeger");
        expect(rel, "a jaeger release").to.not.equal(undefined);
        const i = reveal(rel!.inputs);
        expect({ chart: i.chart, version: i.version, repo: i.repositoryOpts.repo }).to.deep.equal(CHART_PINS.jaeger);
        expect(i.name).to.equal("jaeger");
        expect(i.namespace).to.equal("tracing");
        const ns = objects(r, "Namespace").find((n) => n.metadata.name === "tracing");
        expect(ns.metadata.labels).to.include({ "pod-security.kubernetes.io/enforce": "restricted" });
        // Linkerd's proxies export only to a meshed collector (their mTLS names its identity).
        const annotations = ns.metadata.annotations ?? {};
        if (on.stack === "linkerd") expect(annotations).to.include({ "linkerd.io/inject": "enabled" });
        else expect(annotations).to.not.have.property("linkerd.io/inject");
      });

      it("runs Jaeger hardened, bounded and with OTLP over gRPC and HTTP on every interface", () => {
        const v = valuesOf(r, "jaeger");
        const cfg = v.userconfig;
        expect(cfg.receivers.otlp.protocols).to.deep.equal({
          grpc: { endpoint: `0.0.0.0:${OTLP_GRPC}` },
          http: { endpoint: `0.0.0.0:${JAEGER_CHART_OBJECTS.ports.otlpHttp}` },
        });
        expect(cfg.service.pipelines.traces.receivers).to.deep.equal(["otlp"]);
        // The chart's probes: GET /status on 13133, served by healthcheckv2 (which must be listed to run).
        expect(cfg.service.extensions).to.include.members(["healthcheckv2", "jaeger_query", "jaeger_storage"]);
        expect(cfg.extensions.healthcheckv2.http.endpoint).to.equal(`0.0.0.0:${JAEGER_CHART_OBJECTS.ports.health}`);
        const store = cfg.extensions.jaeger_query.storage.traces;
        expect(cfg.exporters.jaeger_storage_exporter.trace_storage).to.equal(store);
        const max = cfg.extensions.jaeger_storage.backends[store].memory.max_traces;
        expect(max).to.be.a("number").within(1, 50_000);
        const j = v.jaeger;
        expect(j.podSecurityContext).to.include({ runAsNonRoot: true });
        expect(j.podSecurityContext.seccompProfile).to.deep.equal({ type: "RuntimeDefault" });
        expect(j.securityContext).to.deep.include({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(j.serviceAccount.automountServiceAccountToken).to.equal(false);
        expect(j.resources.requests).to.have.keys("cpu", "memory");
        expect(j.resources.limits).to.have.keys("cpu", "memory");
        expect(j.extraVolumeMounts).to.deep.include({ name: "tmp", mountPath: "/tmp" });
      });

      it("points every service at the collector's OTLP/HTTP port with the stack's sampling ratio", () => {
        const deployments = serviceDeployments(r);
        expect(deployments.length).to.be.greaterThan(SERVICE_NAMES.length - 1);
        for (const d of deployments) {
          expect(envOf(d), d.metadata.name).to.include({ [OTEL.endpoint]: OTLP_HTTP_URL, [OTEL.sampler]: "parentbased_traceidratio", [OTEL.arg]: on.ratio });
        }
      });

      it("adds Grafana's Jaeger datasource (type jaeger, the query service's URL), not as the default", () => {
        const ds = valuesOf(r, "kube-prometheus-stack").grafana.additionalDataSources as any[];
        expect(ds).to.have.length(1);
        expect(ds[0]).to.include({ type: "jaeger", url: `http://${HOST}:${JAEGER_CHART_OBJECTS.ports.query}`, access: "proxy", isDefault: false });
      });

      if (on.stack === "istio") {
        it("names the collector's OTLP/gRPC port as istiod's OpenTelemetry provider and turns tracing on mesh-wide after the CRDs", () => {
          const providers = valuesOf(r, "istiod").meshConfig.extensionProviders as any[];
          expect(providers).to.have.length(1);
          // istio/api 1.30.3 mesh/v1alpha1/config.proto: ExtensionProvider.name, .opentelemetry {service, port}.
          expect(providers[0].opentelemetry).to.deep.equal({ service: HOST, port: OTLP_GRPC });
          const telemetries = r.resources.filter((x) => x.type === "kubernetes:telemetry.istio.io/v1:Telemetry");
          expect(telemetries).to.have.length(1);
          const t = reveal(telemetries[0]!.inputs);
          // The root namespace: the mesh's default for every workload.
          expect(t.metadata.namespace).to.equal("istio-system");
          expect(t.spec).to.deep.equal({ tracing: [{ providers: [{ name: providers[0].name }], randomSamplingPercentage: Number(on.ratio) * 100 }] });
          const deps = directDependencies(r, telemetries[0]!);
          expect(deps, "after istio-base (its CRD)").to.include(releaseOf(r, "base")!.urn);
          expect(deps, "after istiod (its provider)").to.include(releaseOf(r, "istiod")!.urn);
        });
      }

      if (on.stack === "linkerd") {
        it("sends the proxies' spans to the collector by its mesh identity, and installs the collector after the injector", () => {
          // linkerd/linkerd2 edge-26.8.3 charts/linkerd-control-plane/values.yaml proxy.tracing.
          expect(valuesOf(r, "linkerd-control-plane").proxy.tracing).to.deep.equal({
            enabled: true,
            collector: { endpoint: `${HOST}:${OTLP_GRPC}`, meshIdentity: { serviceAccountName: JAEGER_CHART_OBJECTS.serviceAccount, namespace: "tracing" } },
          });
          expect(directDependencies(r, releaseOf(r, "jaeger")!)).to.include(releaseOf(r, "linkerd-control-plane")!.urn);
        });
      }
    });
  }

  for (const variant of OFF) {
    it(`${variant} (tracing off): no backend, no span export, no proxy tracing, no datasource, no collector egress`, async () => {
      const r = await run(variant);
      expect(releaseOf(r, "jaeger")).to.equal(undefined);
      expect(objects(r, "Namespace").map((n) => n.metadata.name)).to.not.include("tracing");
      for (const d of serviceDeployments(r)) expect(envOf(d), d.metadata.name).to.not.have.any.keys(OTEL.endpoint, OTEL.sampler, OTEL.arg);
      expect(r.resources.filter((x) => x.type.includes("Telemetry"))).to.deep.equal([]);
      const istiod = releaseOf(r, "istiod");
      if (istiod) expect(reveal(istiod.inputs).values.meshConfig).to.not.have.property("extensionProviders");
      const cp = releaseOf(r, "linkerd-control-plane");
      if (cp) expect(reveal(cp.inputs).values.proxy).to.not.have.property("tracing");
      const kps = releaseOf(r, "kube-prometheus-stack");
      if (kps) expect(reveal(kps.inputs).values.grafana).to.not.have.property("additionalDataSources");
      const jaeger: Pod = { name: "jaeger", namespace: "tracing", labels: { ...JAEGER_CHART_OBJECTS.podLabels } };
      const policies = objects(r, "NetworkPolicy") as Policy[];
      const cart: Pod = { name: "cart", namespace: NS, labels: { app: "cart", version: "v1" } };
      expect(allowed(policies, cart, jaeger, JAEGER_CHART_OBJECTS.ports.otlpHttp)).to.equal(false);
    });
  }

  describe("the graph's intent", () => {
    it("with tracing, every service may send spans to the collector (POST /v1/traces), nothing else new; without, nothing", () => {
      const key = (e: AuthzEdge) => `${e.from}->${e.to}`;
      const base = new Set(authzEdges().map(key));
      const added = authzEdges(undefined, undefined, { tracing: true }).filter((e) => !base.has(key(e)));
      expect(added.map(key).sort()).to.deep.equal([...INTENDED_TRACES].sort());
      for (const e of added) expect(e.operations, key(e)).to.deep.equal([{ method: "POST", path: "/v1/traces", match: "exact" }]);
      expect(authzEdges(undefined, undefined, { tracing: false }).map(key).sort()).to.deep.equal([...base].sort());
    });
  });

  /**
   * The services → collector edge through each stack's NetworkPolicies: every
   * service's pods reach the collector's pods on its OTLP ports (HTTP for the
   * services; gRPC for the meshes' proxies, and Linkerd's inbound proxy port
   * for meshed connections), and nothing else is opened: not its UI, not for
   * Redis or any other pod, not from another namespace, and nothing toward
   * the shop.
   */
  const PORTS = {
    dev: { open: [4318], closed: [4317, 4143, 16686, 13133, 9411, 14268] },
    istio: { open: [4318, 4317], closed: [4143, 16686, 13133, 9411, 14268] },
    linkerd: { open: [4318, 4317, 4143], closed: [16686, 13133, 9411, 14268, 4190, 4191] },
  } as const;
  for (const stack of ["dev", "istio", "linkerd"] as const) {
    it(`${stack}: the services reach the collector's OTLP ports and nothing else new is open`, async () => {
      const r = await run(stack);
      const policies = objects(r, "NetworkPolicy") as Policy[];
      const jaeger: Pod = { name: "jaeger", namespace: "tracing", labels: { ...JAEGER_CHART_OBJECTS.podLabels } };
      const elsewhere: Pod = { name: "other", namespace: "tracing", labels: { app: "other" } };
      const shopPods: Pod[] = [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].map((d) => ({ name: d.metadata.name, namespace: NS, labels: d.spec.template.metadata.labels }));
      const wrong: string[] = [];
      for (const p of shopPods) {
        const app = p.labels.app!;
        const isService = (SERVICE_NAMES as readonly string[]).includes(app);
        for (const port of PORTS[stack].open) if (allowed(policies, p, jaeger, port) !== isService) wrong.push(`${p.name} -> jaeger:${port}`);
        for (const port of PORTS[stack].closed) if (allowed(policies, p, jaeger, port)) wrong.push(`${p.name} -> jaeger:${port} (closed)`);
        if (allowed(policies, p, elsewhere, 4318)) wrong.push(`${p.name} -> another pod of tracing`);
        // Nothing toward the shop from the tracing namespace.
        const own = app === "redis" ? 6379 : SERVICES[app as "cart"]?.port;
        if (own !== undefined && allowed(policies, jaeger, p, own)) wrong.push(`jaeger -> ${p.name}`);
      }
      expect(shopPods.filter((p) => (SERVICE_NAMES as readonly string[]).includes(p.labels.app!)).length).to.be.greaterThan(SERVICE_NAMES.length - 1);
      expect(wrong).to.deep.equal([]);
      // The third parties gain nothing: the ingress controller and Prometheus are not the policy's pods.
      const ingress: Pod = { name: "ingress", namespace: "ingress-nginx", labels: { ...INGRESS_NGINX_CONTROLLER_POD_LABELS } };
      const prometheus: Pod = { name: "prometheus", namespace: "monitoring", labels: { ...PROMETHEUS_POD_LABELS_UPSTREAM } };
      const gateway = shopPods.find((p) => p.labels.app === "gateway")!;
      expect(allowed(policies, ingress, gateway, 4318)).to.equal(false);
      expect(allowed(policies, prometheus, gateway, 4317)).to.equal(false);
    });

    it(`${stack}: Jaeger admits only the span senders and Grafana, each on its ports, and its policies come first`, async () => {
      const r = await run(stack);
      const policies = objects(r, "NetworkPolicy") as Policy[];
      expect(policies.filter((p) => p.metadata.namespace === "tracing").map((p) => p.metadata.name)).to.include("default-deny-ingress");
      const jaeger: Pod = { name: "jaeger", namespace: "tracing", labels: { ...JAEGER_CHART_OBJECTS.podLabels } };
      const pod = (name: string, namespace: string, labels: Record<string, string>): Pod => ({ name, namespace, labels });
      const cart = pod("cart", NS, { app: "cart", version: "v1" });
      const redis = pod("redis", NS, { app: "redis", version: "v1" });
      const impostor = pod("impostor", "default", { app: "cart", version: "v1" });
      const ingress = pod("ingress", "ingress-nginx", { ...INGRESS_NGINX_CONTROLLER_POD_LABELS });
      const grafana = pod("grafana", "monitoring", { ...GRAFANA_POD_LABELS_UPSTREAM });
      const prometheus = pod("prometheus", "monitoring", { ...PROMETHEUS_POD_LABELS_UPSTREAM });
      const neighbour = pod("neighbour", "tracing", { app: "other" });
      const { otlpHttp, otlpGrpc, query } = JAEGER_CHART_OBJECTS.ports;
      const meshed = stack !== "dev";
      // Only a NetworkPolicy in the tracing namespace can keep these out: the shop's own cannot.
      expect(allowed(policies, impostor, jaeger, otlpHttp), "another namespace's pod").to.equal(false);
      expect(allowed(policies, prometheus, jaeger, query), "Prometheus reads no traces").to.equal(false);
      expect(allowed(policies, neighbour, jaeger, otlpHttp), "a pod of the tracing namespace").to.equal(false);
      expect(allowed(policies, cart, jaeger, otlpHttp)).to.equal(true);
      expect(allowed(policies, redis, jaeger, otlpHttp)).to.equal(false);
      expect(allowed(policies, cart, jaeger, query), "the services read no traces").to.equal(false);
      // The edge's proxy spans its hop in the meshes; in dev nginx sends none.
      expect(allowed(policies, ingress, jaeger, otlpGrpc), "the edge's proxy").to.equal(meshed);
      expect(allowed(policies, ingress, jaeger, query)).to.equal(false);
      expect(allowed(policies, grafana, jaeger, query), "Grafana's datasource").to.equal(true);
      expect(allowed(policies, grafana, jaeger, otlpHttp)).to.equal(false);
      const policy = r.resources.find((x) => x.type === "meshmart:policy:NetworkPolicies" && x.name === "tracing-policy");
      expect(policy, "the tracing namespace's policies").to.not.equal(undefined);
      // A dependency on the component is one on each of its policies.
      const children = r.resources.filter((x) => x.parent === policy!.urn).map((x) => x.urn);
      expect(children.length).to.be.greaterThan(1);
      const deps = directDependencies(r, releaseOf(r, "jaeger")!);
      expect(children.every((c) => deps.includes(c)) || deps.includes(policy!.urn), "Jaeger never runs open").to.equal(true);
    });
  }
});
