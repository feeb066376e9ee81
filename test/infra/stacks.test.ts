/**
 * The Pulumi program under mocks, for every stack from its own stack file
 * (plus variants of dev): what it declares, with which settings and in which
 * order. See support/stacks.ts for how each run is made.
 */
import { expect } from "chai";
import { ENV, SERVICE_NAMES, SERVICES, upstreamUrlEnv } from "../../services/topology";
import { CHART_PINS } from "./fixtures/upstream";
import { allRuns, byUrn, directDependencies, isSecret, objects, ofType, plainText, reveal, run, type StackRun } from "./support/stacks";
import { userPasswords } from "../../infra/redis/redis-spec";
import { TRACKS } from "./support/shop-shape";

const K8S_PROVIDER = "urn:pulumi:STACK::meshmart::pulumi:providers:kubernetes::k8s::";
const STACK_MESH = { dev: "none", istio: "istio", linkerd: "linkerd" } as const;
type Stack = keyof typeof STACK_MESH;
const STACKS = Object.keys(STACK_MESH) as Stack[];

const release = (r: StackRun, chart: string) => ofType(r, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === chart);
const deployments = (r: StackRun) => objects(r, "Deployment");
const deployment = (r: StackRun, name: string) => deployments(r).find((d) => d.metadata.name === name);
const envOf = (d: any) => Object.fromEntries((d.spec.template.spec.containers[0].env as any[]).map((e) => [e.name, e.value ?? e.valueFrom]));


describe("Pulumi program under mocks", function () {
  this.timeout(180_000);
  before(async () => {
    await allRuns();
  });

  for (const stack of STACKS) {
    describe(`stack ${stack} (Pulumi.${stack}.yaml)`, () => {
      let r: StackRun;
      before(async () => {
        r = await run(stack);
      });

      it("runs without error, from its own stack file's config", () => {
        expect(r.errors).to.deep.equal([]);
        expect(r.config["meshmart:mesh"]).to.equal(STACK_MESH[stack]);
        expect(r.outputs.stack).to.equal(stack);
        expect(r.outputs.mesh).to.equal(STACK_MESH[stack]);
      });

      it("declares every Kubernetes object through the explicit provider, none through a default one", () => {
        const k8s = r.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"));
        expect(k8s.length).to.be.greaterThan(60);
        for (const x of k8s) expect(x.provider, x.urn).to.match(new RegExp(`^${K8S_PROVIDER.replace("STACK", stack).replace(/[$]/g, "\\$")}`));
        expect(ofType(r, "pulumi:providers:kubernetes").map((p) => p.name)).to.deep.equal(["k8s"]);
      });

      it("builds its components as typed, parented ComponentResources", () => {
        // Our components; provider-implemented ones (kubernetes:yaml/v2:ConfigFile) carry their package's token.
        const components = r.resources.filter((x) => !x.custom && !x.type.startsWith("pulumi:") && !x.type.startsWith("kubernetes:"));
        expect(components.map((c) => c.type)).to.include.members([
          "meshmart:platform:IngressNginx",
          "meshmart:platform:Monitoring",
          "meshmart:platform:AppNamespace",
          "meshmart:images:ServiceImages",
          "meshmart:workload:Shop",
          "meshmart:workload:Microservice",
          "meshmart:data:Redis",
          "meshmart:network:ShopIngress",
          "meshmart:observability:Observability",
        ]);
        for (const c of components) expect(c.type).to.match(/^meshmart:[a-z]+:[A-Z][A-Za-z]+$/);
        // Children are named after their component.
        const urns = byUrn(r);
        for (const x of r.resources.filter((x) => urns.get(x.parent)?.custom === false)) {
          expect(x.name.startsWith(urns.get(x.parent)!.name), x.urn).to.equal(true);
        }
      });

      it("builds one image per service from services/Dockerfile with the repository root as context", () => {
        const images = ofType(r, "docker:index/image:Image");
        expect(images.map((i) => i.inputs.build.args.SERVICE).sort()).to.deep.equal([...SERVICE_NAMES].sort());
        for (const i of images) {
          expect(i.inputs.build).to.deep.include({ context: ".", dockerfile: "services/Dockerfile", platform: "linux/amd64" });
          expect(i.inputs.imageName).to.equal(`localhost:5001/meshmart/${i.inputs.build.args.SERVICE}:latest`);
          expect(i.inputs.skipPush).to.equal(false);
          expect(i.inputs.build.args).not.to.have.property("BASE_IMAGE");
        }
      });

      it("builds each image with the port its Deployments listen on", () => {
        const images = ofType(r, "docker:index/image:Image");
        for (const d of deployments(r)) {
          const c = d.spec.template.spec.containers[0];
          const service = d.spec.template.metadata.labels.app;
          const image = images.find((i) => i.inputs.build.args.SERVICE === service);
          expect(image?.inputs.build.args.PORT, d.metadata.name).to.equal(String(c.ports[0].containerPort));
        }
      });

      it("runs each service's pushed digest, so a new image rolls the Deployment", () => {
        for (const d of deployments(r)) {
          const app = d.metadata.labels.app;
          const image = d.spec.template.spec.containers[0].image;
          expect(image).to.match(new RegExp(`^localhost:5001/meshmart/${app}@sha256:[0-9a-f]{64}$`));
          expect(image).to.equal(r.outputs.imageDigests[app]);
          expect(d.spec.template.metadata.annotations["meshmart.dev/image"]).to.equal(image);
        }
      });

      it("hardens every Deployment", () => {
        expect(deployments(r).map((d) => d.metadata.name)).to.have.members([...TRACKS]);
        for (const d of deployments(r)) {
          const pod = d.spec.template.spec;
          const c = pod.containers[0];
          expect(d.spec.strategy).to.deep.equal({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
          expect(pod.securityContext).to.deep.include({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
          expect(pod.automountServiceAccountToken).to.equal(false);
          expect(pod.serviceAccountName).to.equal(d.metadata.labels.app);
          expect(c.securityContext).to.deep.include({
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          });
          expect(c.resources.requests).to.have.keys("cpu", "memory");
          expect(c.resources.limits).to.have.keys("cpu", "memory");
          expect(c.startupProbe.httpGet).to.deep.equal({ path: "/healthz", port: "http" });
          expect(c.livenessProbe.httpGet).to.deep.equal({ path: "/healthz", port: "http" });
          expect(c.readinessProbe.httpGet).to.deep.equal({ path: "/readyz", port: "http" });
          expect(c.ports).to.deep.equal([{ name: "http", containerPort: SERVICES[d.metadata.labels.app as "cart"].port, protocol: "TCP" }]);
          expect(c.volumeMounts).to.deep.include({ name: "tmp", mountPath: "/tmp" });
          const labels = d.spec.template.metadata.labels;
          expect(labels).to.include.keys(
            "app",
            "version",
            "app.kubernetes.io/name",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/version",
            "app.kubernetes.io/component",
            "app.kubernetes.io/part-of",
            "app.kubernetes.io/managed-by",
          );
          expect(d.spec.selector.matchLabels).to.deep.equal({ app: labels.app, version: labels.version });
        }
      });

      it("sets exactly the topology's environment on each service", () => {
        const retries = stack === "dev" ? "1" : "0";
        for (const d of deployments(r)) {
          const app = d.metadata.labels.app as (typeof SERVICE_NAMES)[number];
          const env = envOf(d);
          expect(env).to.include({
            [ENV.port]: String(SERVICES[app].port),
            [ENV.service]: app,
            [ENV.version]: d.metadata.labels.version,
            [ENV.upstreamRetries]: retries,
            [ENV.upstreamTimeoutMs]: "2000",
          });
          // dev's cart also names each payment version (its own canary split: payment-canary.test.ts)
          const urls = Object.keys(env).filter((k) => k.endsWith("_URL") && k !== ENV.redisUrl && k !== ENV.paymentV1Url && k !== ENV.paymentV2Url);
          expect(urls.sort(), app).to.deep.equal(SERVICES[app].calls.map(upstreamUrlEnv).sort());
          for (const up of SERVICES[app].calls) expect(env[upstreamUrlEnv(up)]).to.equal(`http://${up}.meshmart.svc.cluster.local:${SERVICES[up].port}`);
          if (SERVICES[app].redis) {
            // each service is its own Redis ACL user (services/redis-acl.ts)
            expect(env[ENV.redisUrl]).to.equal(`redis://${app}@redis.meshmart.svc.cluster.local:6379`);
            expect(env[ENV.redisPassword]).to.deep.equal({ secretKeyRef: { name: "redis", key: `${app}-password` } });
          } else {
            expect(env, app).not.to.have.any.keys(ENV.redisUrl, ENV.redisPassword);
          }
          const faults = Object.keys(env).filter((k) => k.endsWith("_RATE"));
          expect(faults.sort(), app).to.deep.equal(
            app === "catalog" ? [ENV.catalogErrorRate] : app === "payment" ? [ENV.paymentDeclineRate, ENV.paymentTimeoutRate] : [],
          );
        }
        const demo = stack !== "dev";
        expect(envOf(deployment(r, "catalog"))[ENV.catalogErrorRate]).to.equal(demo ? "0.05" : "0");
        expect(envOf(deployment(r, "payment-v1"))[ENV.paymentDeclineRate]).to.equal(demo ? "0.1" : "0");
        expect(envOf(deployment(r, "payment-v2"))[ENV.paymentTimeoutRate]).to.equal(demo ? "0.05" : "0");
      });

      it("exposes each service on a ClusterIP Service, payment also per version", () => {
        const services = objects(r, "Service");
        for (const name of SERVICE_NAMES) {
          const s = services.find((x) => x.metadata.name === name);
          expect(s.spec).to.deep.include({ type: "ClusterIP", selector: { app: name } });
          expect(s.spec.ports).to.deep.equal([{ name: "http", port: SERVICES[name].port, targetPort: "http", protocol: "TCP", appProtocol: "http" }]);
          expect(s.metadata.labels).not.to.have.property("version");
        }
        for (const v of ["v1", "v2"]) {
          const s = services.find((x) => x.metadata.name === `payment-${v}`);
          expect(s.spec.selector).to.deep.equal({ app: "payment", version: v });
        }
      });

      it("autoscales 2-10 at 70% CPU and budgets disruptions", () => {
        const hpas = objects(r, "HorizontalPodAutoscaler");
        expect(hpas.map((h) => h.spec.scaleTargetRef.name)).to.have.members([...TRACKS]);
        for (const h of hpas) {
          // dev's payment-v2 rests at one pod: cart, not the pod count, sets its share
          const min = stack === "dev" && h.spec.scaleTargetRef.name === "payment-v2" ? 1 : 2;
          expect(h.spec, h.spec.scaleTargetRef.name).to.deep.include({ minReplicas: min, maxReplicas: 10 });
          expect(h.spec.metrics).to.deep.equal([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
          expect(deployment(r, h.spec.scaleTargetRef.name), h.spec.scaleTargetRef.name).to.not.equal(undefined);
          // The HPA owns the count (test/infra/field-ownership.test.ts).
          expect(deployment(r, h.spec.scaleTargetRef.name).spec).to.not.have.property("replicas");
        }
        const pdbs = objects(r, "PodDisruptionBudget");
        expect(pdbs.map((p) => p.spec.selector.matchLabels).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).to.deep.equal(
          deployments(r).map((d) => d.spec.selector.matchLabels).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        );
        for (const p of pdbs) expect(p.spec.maxUnavailable).to.equal(1);
      });

      it("splits payment as the stack's canary says", () => {
        const v1 = deployment(r, "payment-v1");
        const v2 = deployment(r, "payment-v2");
        expect(v1.spec.template.metadata.labels.version).to.equal("v1");
        expect(v2.spec.template.metadata.labels.version).to.equal("v2");
        const hpaTargets = objects(r, "HorizontalPodAutoscaler").map((h) => h.spec.scaleTargetRef.name);
        // every stack splits per request (dev: cart; istio/linkerd: the mesh), so both tracks autoscale
        expect([v1.spec.replicas, v2.spec.replicas]).to.deep.equal([undefined, undefined]);
        expect(hpaTargets).to.include.members(["payment-v1", "payment-v2"]);
        expect("PAYMENT_CANARY_WEIGHT" in envOf(deployment(r, "cart")), "cart splits only in dev").to.equal(stack === "dev");
      });

      it("runs Redis as a hardened StatefulSet with a volume and a password Secret", () => {
        const [sts] = objects(r, "StatefulSet");
        const pod = sts.spec.template.spec;
        const c = pod.containers[0];
        expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).to.equal("1Gi");
        expect(c.volumeMounts).to.deep.include({ name: "data", mountPath: "/data" });
        expect(c.securityContext).to.deep.include({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(pod.securityContext).to.deep.include({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(c.command).to.deep.equal(["redis-server", "/etc/redis/redis.conf"]);
        expect(JSON.stringify(c)).not.to.contain("requirepass");
        const svc = objects(r, "Service").find((s) => s.metadata.name === "redis");
        expect(svc.spec.clusterIP).to.equal("None");
        expect(sts.spec.serviceName).to.equal("redis");
      });

      it("gives the namespace a quota that fits the workloads at their maximum, and a LimitRange", () => {
        const [quota] = objects(r, "ResourceQuota");
        const maxPods = stack === "dev" ? (TRACKS.length - 2) * 11 + 20 + 2 + 2 : TRACKS.length * 11 + 2;
        expect(Number(quota.spec.hard.pods)).to.equal(maxPods);
        expect(quota.spec.hard).to.include.keys("requests.cpu", "requests.memory", "limits.cpu", "limits.memory");
        const [limits] = objects(r, "LimitRange");
        expect(limits.spec.limits[0]).to.deep.include({ type: "Container" });
        expect(limits.spec.limits[0].default).to.have.keys("cpu", "memory");
      });

      it("creates the namespace (with its quota and limits) before every object in it", () => {
        const ns = ofType(r, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "meshmart")!;
        const guards = r.resources.filter((x) => ["kubernetes:core/v1:ResourceQuota", "kubernetes:core/v1:LimitRange"].includes(x.type));
        const inside = r.resources.filter((x) => x.custom && reveal(x.inputs)?.metadata?.namespace === "meshmart" && !guards.includes(x));
        expect(inside.length).to.be.greaterThan(40);
        for (const x of inside) expect(directDependencies(r, x), x.urn).to.include.members([ns.urn, ...guards.map((g) => g.urn)]);
      });

      it("routes / and /api to the gateway, after ingress-nginx (its admission webhook) is installed", () => {
        const [ing] = objects(r, "Ingress");
        expect(ing.spec.ingressClassName).to.equal("nginx");
        expect(ing.spec.rules[0].http.paths).to.deep.equal(
          ["/", "/api"].map((path) => ({ path, pathType: "Prefix", backend: { service: { name: "gateway", port: { number: 5000 } } } })),
        );
        const ingReg = ofType(r, "kubernetes:networking.k8s.io/v1:Ingress")[0]!;
        expect(directDependencies(r, ingReg)).to.include(release(r, "ingress-nginx")!.urn);
      });

      it("installs the platform charts, pinned, with the values that make them work here", () => {
        for (const ref of [CHART_PINS.ingressNginx, CHART_PINS.kubePrometheusStack]) {
          const rel = release(r, ref.chart);
          expect(rel, ref.chart).to.not.equal(undefined);
          expect(rel!.inputs).to.deep.include({ version: ref.version, repositoryOpts: { repo: ref.repo } });
          expect(rel!.inputs.version).to.match(/^\d+\.\d+\.\d+$/);
        }
        const nginx = reveal(release(r, "ingress-nginx")!.inputs);
        expect(nginx).to.deep.include({ name: "ingress-nginx", namespace: "ingress-nginx" });
        expect(nginx.skipAwait ?? false).to.equal(false);
        expect(nginx.values.controller.service).to.deep.equal({ type: "NodePort", nodePorts: { http: "30080", https: "30443" } });
        expect(nginx.values.controller.admissionWebhooks.enabled).to.equal(true);
        const kps = reveal(release(r, "kube-prometheus-stack")!.inputs);
        expect(kps.values.prometheus.prometheusSpec).to.deep.include({
          serviceMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          serviceMonitorSelector: {},
          serviceMonitorNamespaceSelector: {},
        });
        expect(kps.values.grafana.admin).to.deep.equal({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        expect(kps.values.grafana.sidecar.dashboards).to.deep.include({ enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: ["monitoring", "meshmart"] });
        // metrics-server is off unless asked for (first-contact.test.ts).
        expect(release(r, "metrics-server")).to.equal(undefined);
      });

      it("scrapes every service through a ServiceMonitor created after the CRD's release", () => {
        const kps = release(r, "kube-prometheus-stack")!;
        // Redis's exporter has its own (test/observability/dashboard-stacks.test.ts)
        const monitors = ofType(r, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").filter((m) => m.inputs.metadata.name !== "redis-exporter");
        expect(monitors.map((m) => m.inputs.metadata.name).sort()).to.deep.equal([...SERVICE_NAMES].sort());
        for (const m of monitors) {
          expect(directDependencies(r, m)).to.include(kps.urn);
          const spec = m.inputs.spec;
          expect(spec.selector.matchLabels).to.deep.equal({ app: m.inputs.metadata.name });
          expect(spec.selector.matchExpressions).to.deep.equal([{ key: "version", operator: "DoesNotExist" }]);
          // Istio: Prometheus scrapes through STRICT mTLS with its workload certificate; elsewhere plain HTTP.
          const tls =
            stack === "istio"
              ? {
                  scheme: "https",
                  tlsConfig: {
                    caFile: "/etc/prom-certs/root-cert.pem",
                    certFile: "/etc/prom-certs/cert-chain.pem",
                    keyFile: "/etc/prom-certs/key.pem",
                    insecureSkipVerify: true,
                  },
                }
              : {};
          expect(spec.endpoints).to.deep.equal([{ port: "http", path: "/metrics", interval: "15s", scrapeTimeout: "10s", honorLabels: true, ...tls }]);
          // The selector picks exactly the app-wide Service, never a per-version one (no double scrape).
          const picked = objects(r, "Service").filter(
            (s) => s.metadata.labels.app === spec.selector.matchLabels.app && !("version" in s.metadata.labels),
          );
          expect(picked.map((s) => s.metadata.name)).to.deep.equal([m.inputs.metadata.name]);
        }
      });

      it("alerts on error rate and p90 latency with the services' metric names", () => {
        const [rule] = ofType(r, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
        expect(directDependencies(r, rule!)).to.include(release(r, "kube-prometheus-stack")!.urn);
        const alerts = rule!.inputs.spec.groups[0].rules;
        expect(alerts.map((a: any) => a.alert)).to.deep.equal(["MeshmartHighErrorRate", "MeshmartHighLatencyP90", "MeshmartRedisMemoryNearLimit"]);
        expect(alerts[0].expr).to.equal(
          '(sum by (service) (rate(http_requests_total{namespace="meshmart",route!~"/healthz|/readyz|/metrics",status=~"5.."}[5m])) or sum by (service) (rate(http_requests_total{namespace="meshmart",route!~"/healthz|/readyz|/metrics"}[5m])) * 0) / sum by (service) (rate(http_requests_total{namespace="meshmart",route!~"/healthz|/readyz|/metrics"}[5m])) > 0.1',
        );
        expect(alerts[1].expr).to.equal(
          'histogram_quantile(0.9, sum by (service, le) (rate(http_request_duration_seconds_bucket{namespace="meshmart",route!~"/healthz|/readyz|/metrics"}[5m]))) > 1',
        );
      });

      it("ships a RED dashboard Grafana's sidecar finds, with payment v1 against v2", () => {
        const [cm] = objects(r, "ConfigMap");
        expect(cm.metadata.labels).to.include({ grafana_dashboard: "1" });
        const dashboard = JSON.parse(cm.data["meshmart-red.json"]);
        const exprs: string[] = dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
        // Shoppers' traffic: probes and scrapes are not requests anyone made of the shop.
        expect(exprs).to.include('sum by (service) (rate(http_requests_total{namespace=~"$namespace",service=~"$service",route!~"/healthz|/readyz|/metrics"}[1m]))');
        for (const e of exprs.filter((x) => x.includes("http_request"))) expect(e, e).to.contain('route!~"/healthz|/readyz|/metrics"');
        expect(exprs.some((e) => e.includes("by (service, method, route)"))).to.equal(true);
        for (const metric of ["nodejs_eventloop_lag_p99_seconds", "nodejs_heap_size_used_bytes", "process_resident_memory_bytes", "process_cpu_seconds_total"]) {
          expect(exprs.some((e) => e.includes(metric)), metric).to.equal(true);
        }
        expect(exprs.some((e) => e.includes('status=~"5.."') && e.includes("by (service)"))).to.equal(true);
        expect(exprs.some((e) => e.startsWith("histogram_quantile(0.99") && e.includes("by (service, le)"))).to.equal(true);
        const canary = exprs.filter((e) => e.includes('service="payment"'));
        expect(canary).to.have.length(3);
        for (const e of canary) expect(e).to.match(/by \(version(, le)?\)/);
      });

      it("keeps every secret a secret: Redis and Grafana passwords, the edge's key, stack output", () => {
        const secrets = ofType(r, "kubernetes:core/v1:Secret");
        expect(secrets.map((s) => s.inputs.metadata.name).sort()).to.deep.equal(["grafana-admin", "meshmart-edge-tls", "redis"]);
        for (const s of secrets) expect(isSecret(s.inputs.stringData), s.name).to.equal(true);
        expect(isSecret(r.outputs.grafanaAdminPassword)).to.equal(true);
        const redis = reveal(secrets.find((s) => s.inputs.metadata.name === "redis")!.inputs.stringData);
        expect(redis["redis.conf"]).to.contain("aclfile /etc/redis/users.acl");
        // The passwords appear nowhere in plain text: not in any resource's inputs, not in the outputs.
        const grafana = reveal(secrets.find((s) => s.inputs.metadata.name === "grafana-admin")!.inputs.stringData)["admin-password"];
        for (const password of [redis["cart-password"], redis["probe-password"], grafana]) {
          expect(r.resources.filter((x) => plainText(x.inputs).includes(password)).map((x) => x.urn)).to.deep.equal([]);
          expect(plainText(r.outputs)).not.to.contain(password);
        }
      });

      it("exports the ingress URL, port-forward commands, image digests and the mesh", () => {
        // HTTPS by default (meshmart:edgeTls self-signed), on the HTTPS node port.
        expect(r.outputs.ingressUrl).to.equal("https://localhost:30443/");
        expect(r.outputs.grafanaPortForward).to.match(/^kubectl -n monitoring port-forward svc\/grafana 3000:80/);
        expect(r.outputs.prometheusPortForward).to.match(/^kubectl -n monitoring port-forward svc\/kps-prometheus 9090:9090/);
        expect(Object.keys(r.outputs.imageDigests).sort()).to.deep.equal([...SERVICE_NAMES].sort());
        expect(r.outputs.namespaceName).to.equal("meshmart");
      });

      it(stack === "dev" ? "enforces the graph with NetworkPolicies and installs no mesh" : "installs nothing of the other mesh", () => {
        const ns = ofType(r, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "meshmart")!;
        const charts = ofType(r, "kubernetes:helm.sh/v3:Release").map((x) => x.inputs.chart as string);
        const types = r.resources.map((x) => x.type);
        const istioish = (t: string) => /istio/.test(t);
        const linkerdish = (t: string) => /linkerd|gateway\.networking\.k8s\.io|yaml\/v2:ConfigFile/.test(t);
        const istioCharts = charts.filter((c) => ["base", "istiod", "gateway"].includes(c));
        const linkerdCharts = charts.filter((c) => c.startsWith("linkerd"));
        const meta = JSON.stringify(ns.inputs.metadata);
        if (stack !== "istio") {
          expect(types.filter(istioish)).to.deep.equal([]);
          expect(istioCharts).to.deep.equal([]);
          expect(meta).not.to.match(/istio/);
          expect(JSON.stringify(r.resources.map((x) => x.inputs))).not.to.match(/sidecar\.istio\.io|istio-injection/);
        }
        if (stack !== "linkerd") {
          expect(types.filter(linkerdish)).to.deep.equal([]);
          expect(linkerdCharts).to.deep.equal([]);
          expect(meta).not.to.match(/linkerd/);
          expect(JSON.stringify(r.resources.map((x) => x.inputs))).not.to.match(/linkerd\.io/);
        }
        if (stack === "dev") {
          expect(objects(r, "NetworkPolicy").length).to.be.greaterThan(10);
        } else {
          // Each mesh stack does install its own mesh (the other direction is checked above).
          expect(stack === "istio" ? istioCharts : linkerdCharts).to.have.length.greaterThan(1);
        }
      });
    });
  }

  describe("variants of dev", () => {
    it("with push off, runs the local image by tag and records its id in the pod template", async () => {
      const r = await run("devLocal");
      expect(r.errors).to.deep.equal([]);
      for (const i of ofType(r, "docker:index/image:Image")) expect(i.inputs.skipPush).to.equal(true);
      for (const d of deployments(r)) {
        const app = d.metadata.labels.app;
        expect(d.spec.template.spec.containers[0].image).to.equal(`localhost:5001/meshmart/${app}:local`);
        expect(d.spec.template.spec.containers[0].imagePullPolicy).to.equal("IfNotPresent");
        expect(d.spec.template.metadata.annotations["meshmart.dev/image"]).to.match(/^sha256:[0-9a-f]{64}$/);
      }
    });

    it("with monitoring and metrics-server off, installs neither, nor any monitoring custom resource or policy", async () => {
      const r = await run("devLocal");
      expect(ofType(r, "kubernetes:helm.sh/v3:Release").map((x) => x.inputs.chart)).to.deep.equal(["ingress-nginx"]);
      expect(r.resources.filter((x) => x.type.includes("monitoring.coreos.com"))).to.deep.equal([]);
      expect(objects(r, "ConfigMap")).to.deep.equal([]);
      expect(JSON.stringify(objects(r, "NetworkPolicy"))).not.to.contain("prometheus");
      expect(r.outputs.grafanaPortForward).to.equal("monitoring is off");
      expect(r.outputs.grafanaAdminPassword).to.equal(undefined);
    });

    it("with a registry account, pushes with the password as a secret and builds from the mirror base image", async () => {
      const r = await run("devCloud");
      expect(r.errors).to.deep.equal([]);
      for (const i of ofType(r, "docker:index/image:Image")) {
        expect(reveal(i.inputs.registry)).to.deep.equal({ server: "registry.example.test:443", username: "ci", password: "test-registry-password" });
        expect(plainText(i.inputs)).not.to.contain("test-registry-password");
        expect(i.inputs.build.args.BASE_IMAGE).to.equal("mirror.example.test/node:24-slim");
      }
      expect(r.resources.filter((x) => plainText(x.inputs).includes("test-registry-password"))).to.deep.equal([]);
    });

    it("uses a configured Grafana password (as a secret) and generates none", async () => {
      const r = await run("devCloud");
      const admin = ofType(r, "kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "grafana-admin")!;
      expect(isSecret(admin.inputs.stringData)).to.equal(true);
      expect(reveal(admin.inputs.stringData)["admin-password"]).to.equal("test-grafana-password");
      // Besides the Redis checksum's key (never a credential), only what the user did not set is generated.
      const generated = (x: StackRun) => ofType(x, "random:index/randomPassword:RandomPassword").map((p) => p.name).filter((n) => n !== "shop-redis-checksum-key");
      expect(generated(r)).to.deep.equal(["redis-password"]);
      const dev = await run("dev");
      expect(generated(dev)).to.deep.equal(["grafana-admin-password"]);
      const redis = ofType(dev, "kubernetes:core/v1:Secret").find((s) => s.inputs.metadata.name === "redis")!;
      expect(reveal(redis.inputs.stringData)["cart-password"], "every ACL user's password derives from it").to.equal(userPasswords("test-redis-password").cart);
    });

    it("with a LoadBalancer ingress, does not wait for an address that never comes, and reports the host", async () => {
      const r = await run("devCloud");
      const nginx = reveal(release(r, "ingress-nginx")!.inputs);
      // The release is awaited; the LoadBalancer Service is the program's own (first-contact.test.ts).
      expect(nginx.skipAwait ?? false).to.equal(false);
      expect(nginx.values.controller.service).to.deep.equal({ type: "LoadBalancer", external: { enabled: false } });
      expect(r.outputs.ingressUrl).to.equal("https://shop.example.test/");
      expect(objects(r, "Ingress")[0].spec.rules[0].host).to.equal("shop.example.test");
    });

    it("follows the canary weight: cart sends 50% of payments to v2", async () => {
      const r = await run("devCloud");
      expect(envOf(deployment(r, "cart"))[ENV.paymentCanaryWeight]).to.equal("50");
    });

    it("stops on bad config, naming every bad key", async () => {
      const r = await run("badMesh");
      expect(r.errors).to.have.length(1);
      expect(r.errors[0]!.split("\n")).to.deep.equal([
        'meshmart:mesh must be one of none, istio, linkerd; got "istoi"',
        'meshmart:replicas must be an integer between 2 and 50; got "1"',
      ]);
      expect(r.resources).to.deep.equal([]);
    });
  });
});
