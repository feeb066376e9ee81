/**
 * meshmart:canary flagger under mocks (variants istioFlagger and
 * linkerdFlagger): the pinned Flagger release and its CRDs' ownership, the
 * Canary of payment against what the same stack's static canary declares,
 * what the program leaves to Flagger (payment's Services and routes), the
 * order of it all, and the authorization graph over the pods Flagger makes:
 * the primary's labels come from Flagger's own rule (fixtures/upstream.ts),
 * and the stack's policies are evaluated for them. The Canary's schema is
 * schema.test.ts's (the pinned CRDs, flagger-schemas.test.ts).
 */
import { expect } from "chai";
import { SERVICES } from "../../services/topology";
import { CHART_PINS, FLAGGER_BEHAVIOUR, flaggerPrimaryLabels, KPS_PROMETHEUS_CR, PROMETHEUS_POD_LABELS_UPSTREAM } from "./fixtures/upstream";
import { istioAllows, type IstioObject } from "./support/istio-authz";
import { linkerdAllows, type LinkerdObject } from "./support/linkerd-authz";
import { allowed, selects, type Pod } from "./support/netpol";
import { objects, ofType, reveal, run, transitiveDependencies, type Registration, type StackRun } from "./support/stacks";

const NS = "meshmart";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const PROMETHEUS_URL = `http://${KPS_PROMETHEUS_CR}.monitoring.svc.cluster.local:9090`;
const RESTRICTED = { "pod-security.kubernetes.io/enforce": "restricted" };

const release = (r: StackRun, chart: string): Registration => ofType(r, RELEASE).find((x) => x.inputs.chart === chart)!;
const canary = (r: StackRun) => objects(r, "Canary")[0];
const named = (r: StackRun, kind: string, name: string) => objects(r, kind).find((o) => o.metadata.name === name);

const CASES = [
  { variant: "istioFlagger", stack: "istio", provider: "istio" },
  { variant: "linkerdFlagger", stack: "linkerd", provider: "gatewayapi:v1" },
] as const;

/** The pods of payment once Flagger runs it: the target's template (the canary) and Flagger's copy (the primary). */
function paymentPods(r: StackRun): { canary: Record<string, string>; primary: Record<string, string>; serviceAccount: string } {
  const target = named(r, "Deployment", "payment");
  const selectorLabel = reveal(release(r, "flagger").inputs).values.selectorLabels as string;
  const labels = target.spec.template.metadata.labels as Record<string, string>;
  return { canary: labels, primary: flaggerPrimaryLabels(labels, selectorLabel), serviceAccount: target.spec.template.spec.serviceAccountName };
}

describe("Flagger rolls payment out (meshmart:canary flagger)", function () {
  this.timeout(180_000);

  for (const c of CASES) {
    describe(c.variant, () => {
      let r: StackRun;
      let base: StackRun;
      before(async () => {
        [r, base] = await Promise.all([run(c.variant), run(c.stack)]);
        expect(r.errors).to.deep.equal([]);
      });

      it("installs the pinned chart in its own restricted namespace, with the CRDs as the release's own templates", () => {
        const rel = reveal(release(r, "flagger").inputs);
        expect({ chart: rel.chart, version: rel.version, repo: rel.repositoryOpts.repo }).to.deep.equal(CHART_PINS.flagger);
        expect(rel.namespace).to.equal("flagger-system");
        // Owned by the release: upgraded with the chart and removed with it; Helm's crds/ copy (never removed) skipped.
        expect(rel.values.crd).to.deep.equal({ create: true });
        expect(rel.skipCrds).to.equal(true);
        expect(named(r, "Namespace", "flagger-system").metadata.labels).to.include(RESTRICTED);
        // The chart sets no pod-level securityContext: the container's must meet restricted alone.
        expect(rel.values.securityContext.enabled).to.equal(true);
        expect(rel.values.securityContext.context).to.deep.include({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
        // The image's USER is a name (nobody): the kubelet can verify runAsNonRoot only with a numeric user.
        expect(rel.values.securityContext.context.runAsUser).to.be.a("number").and.to.be.greaterThan(0);
        const policies = objects(r, "NetworkPolicy").filter((p) => p.metadata.namespace === "flagger-system");
        expect(policies.map((p) => p.spec)).to.deep.equal([{ podSelector: {}, policyTypes: ["Ingress"] }]);
      });

      it(`routes with ${c.provider}, reads the stack's Prometheus, watches the shop only, and rewrites a selector label other than app`, () => {
        const values = reveal(release(r, "flagger").inputs).values;
        expect(FLAGGER_BEHAVIOUR.meshProviders).to.include(values.meshProvider);
        expect(values.meshProvider).to.equal(c.provider);
        expect(values.metricsServer).to.equal(PROMETHEUS_URL);
        expect(values.namespace).to.equal(NS);
        expect(FLAGGER_BEHAVIOUR.defaultSelectorLabels).to.include(values.selectorLabels);
        expect(values.selectorLabels, "every policy selects pods by app: Flagger must leave it").to.not.equal("app");
      });

      it("runs payment as one Deployment whose selector holds Flagger's label, under the HPA the Canary names, and declares none of payment's Services", () => {
        const deployments = objects(r, "Deployment").map((d) => d.metadata.name);
        expect(deployments.filter((n) => n.startsWith("payment"))).to.deep.equal(["payment"]);
        const target = named(r, "Deployment", "payment");
        const label = reveal(release(r, "flagger").inputs).values.selectorLabels;
        expect(target.spec.selector.matchLabels[label]).to.equal("payment").and.to.equal(target.spec.template.metadata.labels[label]);
        const spec = canary(r).spec;
        expect(spec.targetRef).to.deep.equal({ apiVersion: "apps/v1", kind: "Deployment", name: "payment" });
        expect(named(r, "HorizontalPodAutoscaler", spec.autoscalerRef.name).spec.scaleTargetRef.name).to.equal("payment");
        const generated = ["", FLAGGER_BEHAVIOUR.primarySuffix, FLAGGER_BEHAVIOUR.canarySuffix].map((suffix) => `payment${suffix}`);
        expect(objects(r, "Service").map((s) => s.metadata.name).filter((n) => generated.includes(n))).to.deep.equal([]);
        // cart still calls the apex Service by its name.
        const cart = named(r, "Deployment", "cart").spec.template.spec.containers[0].env.find((e: any) => e.name === "PAYMENT_URL");
        expect(cart.value).to.equal(`http://payment.${NS}.svc.cluster.local:${SERVICES.payment.port}`);
      });

      it("leaves payment's routes to Flagger and keeps every other service's", () => {
        if (c.stack === "istio") {
          for (const kind of ["VirtualService", "DestinationRule"]) {
            const names = (x: StackRun) => objects(x, kind).map((o) => o.metadata.name);
            expect(names(r), kind).to.not.include("payment");
            expect(names(r).sort(), kind).to.deep.equal(names(base).filter((n) => n !== "payment").sort());
          }
        } else {
          const serviceRoutes = (x: StackRun) => objects(x, "HTTPRoute").filter((h) => h.spec.parentRefs[0].kind === "Service");
          expect(serviceRoutes(r).filter((h) => h.spec.parentRefs[0].name === "payment")).to.deep.equal([]);
          expect(serviceRoutes(r).length).to.equal(serviceRoutes(base).length - 2);
        }
      });

      it("steps the weight to 50% at most, rolls back after failed checks, and judges success rate and latency", () => {
        const { analysis } = canary(r).spec;
        expect(analysis.maxWeight).to.equal(50);
        expect(analysis.stepWeight).to.be.within(1, 50);
        expect(analysis.maxWeight % analysis.stepWeight).to.equal(0);
        expect(analysis.threshold).to.be.within(1, 10);
        expect(analysis.interval).to.match(/^[0-9]+(m|s)$/);
        const ranges = analysis.metrics.map((m: any) => m.thresholdRange);
        expect(ranges).to.deep.equal([{ min: 99 }, { max: 500 }]);
      });

      it("labels the Services Flagger makes so payment's ServiceMonitor scrapes the primary (apex) and the canary, not the primary twice", () => {
        const service = canary(r).spec.service;
        const label = reveal(release(r, "flagger").inputs).values.selectorLabels;
        // kubernetes_default.go: each Service's labels are the Canary's plus {label: <its name>}.
        const labels = (part: string | undefined, name: string) => ({ ...(part ? service[part]?.labels : {}), [label]: name });
        const monitorSpec = named(r, "ServiceMonitor", "payment").spec;
        const monitor = monitorSpec.selector;
        expect(selects(monitor, labels("apex", "payment"))).to.equal(true);
        expect(selects(monitor, labels("canary", "payment-canary"))).to.equal(true);
        expect(selects(monitor, labels("primary", "payment-primary"))).to.equal(false);
        expect(service.portName ?? FLAGGER_BEHAVIOUR.defaultPortName).to.equal(monitorSpec.endpoints[0].port);
        expect(service.port).to.equal(SERVICES.payment.port);
      });

      it("budgets payment's primary in the namespace's quota as the static canary budgets v2", () => {
        const [quota] = objects(r, "ResourceQuota");
        const [baseQuota] = objects(base, "ResourceQuota");
        // The load generator (two pods while it rolls) is the only other difference.
        expect(Number(quota.spec.hard.pods)).to.equal(Number(baseQuota.spec.hard.pods) + 2);
      });

      it("creates the Canary (and its MetricTemplates) after the Flagger release and payment's Deployment, and Flagger after the mesh", () => {
        const flagger = release(r, "flagger");
        const target = ofType(r, "kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === "payment")!;
        const flaggerKinds = r.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:flagger.app/"));
        expect(flaggerKinds.map((x) => x.type.split(":").pop()).sort()).to.deep.equal(c.stack === "istio" ? ["Canary"] : ["Canary", "MetricTemplate", "MetricTemplate"]);
        for (const x of flaggerKinds) {
          const deps = transitiveDependencies(r, x);
          expect(deps.has(flagger.urn), x.urn).to.equal(true);
          expect(deps.has(target.urn), x.urn).to.equal(true);
        }
        // pulumi destroy: the Canary goes first and leaves nothing behind (Flagger adds a finalizer only with revertOnDeletion;
        // what it made is owned by the Canary), then the release and the CRDs it holds.
        expect(canary(r).spec).to.not.have.property("revertOnDeletion");
        const controlPlane = release(r, c.stack === "istio" ? "istiod" : "linkerd-control-plane");
        expect(transitiveDependencies(r, flagger).has(controlPlane.urn)).to.equal(true);
      });

      it("carries payment's static routing settings onto the routes Flagger makes", () => {
        const service = canary(r).spec.service;
        if (c.stack === "istio") {
          const vs = named(base, "VirtualService", "payment").spec.http;
          expect(service.timeout).to.equal(vs[0].timeout);
          expect(vs.map((h: any) => h.retries)).to.deep.equal([service.retries, service.retries]);
          const policy = named(base, "DestinationRule", "payment").spec.trafficPolicy;
          expect(service.trafficPolicy).to.deep.equal({ tls: policy.tls, outlierDetection: policy.outlierDetection, connectionPool: { http: policy.connectionPool.http } });
          expect(canary(r).spec.analysis.metrics.map((m: any) => m.name)).to.deep.equal([...FLAGGER_BEHAVIOUR.builtinMetrics]);
        } else {
          expect(service.gatewayRefs).to.deep.equal([{ group: "core", kind: "Service", name: "payment", namespace: NS, port: SERVICES.payment.port }]);
          const route = named(base, "HTTPRoute", "payment");
          expect(service.apex.annotations["timeout.linkerd.io/request"]).to.equal(route.metadata.annotations["timeout.linkerd.io/request"]);
          // Flagger runs its builtin query for those names whatever the templateRef: the Linkerd checks need their own.
          const templates = objects(r, "MetricTemplate");
          for (const m of canary(r).spec.analysis.metrics) {
            expect(FLAGGER_BEHAVIOUR.builtinMetrics).to.not.include(m.name);
            const template = templates.find((t) => t.metadata.name === m.templateRef.name && t.metadata.namespace === m.templateRef.namespace);
            expect(template.spec.provider).to.deep.equal({ type: "prometheus", address: PROMETHEUS_URL });
            expect(template.spec.query).to.match(/^(sum\(rate\(response_total|histogram_quantile\(0\.99, sum\(rate\(response_latency_ms_bucket)\{/);
            // Flagger renders {{ namespace }}, {{ target }} (the canary's Deployment) and {{ interval }}; the proxies' inbound side.
            for (const part of ['namespace="{{ namespace }}"', 'deployment=~"{{ target }}"', 'direction="inbound"', "[{{ interval }}]"]) expect(template.spec.query, part).to.contain(part);
          }
        }
      });
    });
  }

  describe("the authorization graph over the pods Flagger makes", () => {
    const principal = (sa: string, ns = NS) => `cluster.local/ns/${ns}/sa/${sa}`;
    const CALLERS = ["cart", "gateway", "orders", "notifications", "users", "catalog"];

    it("istio: cart alone may POST /payments to the primary and the canary; the primary calls notifications as payment; Prometheus scrapes it", async () => {
      const r = await run("istioFlagger");
      const pods = paymentPods(r);
      const security = (kind: string) => objects(r, kind).filter((o) => o.apiVersion === "security.istio.io/v1") as IstioObject[];
      const allows = (sa: string, labels: Record<string, string>, port: number, method: string, path: string, ns = NS) =>
        istioAllows(security("PeerAuthentication"), security("AuthorizationPolicy"), { principal: principal(sa, ns), to: { namespace: NS, labels }, port, http: { method, path } });
      for (const labels of [pods.primary, pods.canary]) {
        for (const caller of CALLERS) expect(allows(caller, labels, SERVICES.payment.port, "POST", "/payments"), caller).to.equal(caller === "cart");
        expect(allows("cart", labels, SERVICES.payment.port, "GET", "/payments")).to.equal(false);
        expect(allows("kps-prometheus", labels, SERVICES.payment.port, "GET", "/metrics", "monitoring")).to.equal(true);
        expect(allows("flagger", labels, SERVICES.payment.port, "POST", "/payments", "flagger-system")).to.equal(false);
      }
      const notifications = named(r, "Deployment", "notifications").spec.template.metadata.labels;
      expect(allows(pods.serviceAccount, notifications, SERVICES.notifications.port, "POST", "/notifications")).to.equal(true);
    });

    it("linkerd: the same, by the Servers, routes and authorizations the stack declares", async () => {
      const r = await run("linkerdFlagger");
      const pods = paymentPods(r);
      const o = {
        objects: r.resources.filter((x) => /policy\.linkerd\.io|gateway\.networking\.k8s\.io/.test(x.type)).map((x) => reveal(x.inputs) as LinkerdObject),
        defaultPolicy: () => "deny",
      };
      const target = (labels: Record<string, string>, port: number) => ({ namespace: NS, labels: { ...labels, "linkerd.io/control-plane-ns": "linkerd" }, ports: { http: port, "linkerd-admin": 4191 }, probes: {} });
      const allows = (sa: string, labels: Record<string, string>, port: number, method: string, path: string, ns = NS) =>
        linkerdAllows(o, { identity: { namespace: ns, serviceAccount: sa }, ip: "10.244.1.9", to: target(labels, port), port, http: { method, path } });
      for (const labels of [pods.primary, pods.canary]) {
        for (const caller of CALLERS) expect(allows(caller, labels, SERVICES.payment.port, "POST", "/payments"), caller).to.equal(caller === "cart");
        expect(allows("kps-prometheus", labels, SERVICES.payment.port, "GET", "/metrics", "monitoring")).to.equal(true);
        expect(allows("flagger", labels, SERVICES.payment.port, "POST", "/payments", "flagger-system")).to.equal(false);
      }
      const notifications = named(r, "Deployment", "notifications").spec.template.metadata.labels;
      expect(allows(pods.serviceAccount, notifications, SERVICES.notifications.port, "POST", "/notifications")).to.equal(true);
    });

    it("the namespace's boundary admits Prometheus's scrapes of the primary too (NetworkPolicies select no pod by app there)", async () => {
      for (const variant of ["istioFlagger", "linkerdFlagger"] as const) {
        const r = await run(variant);
        const primary: Pod = { name: "payment-primary-x", namespace: NS, labels: paymentPods(r).primary };
        const prometheus: Pod = { name: "prometheus-kps-prometheus-0", namespace: "monitoring", labels: { ...PROMETHEUS_POD_LABELS_UPSTREAM } };
        const cart: Pod = { name: "cart-x", namespace: NS, labels: named(r, "Deployment", "cart").spec.template.metadata.labels };
        const policies = objects(r, "NetworkPolicy");
        expect(allowed(policies, prometheus, primary, SERVICES.payment.port), variant).to.equal(true);
        expect(allowed(policies, cart, primary, SERVICES.payment.port), variant).to.equal(true);
      }
    });
  });
});
