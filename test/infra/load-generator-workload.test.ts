/**
 * The load generator as the stacks deploy it (meshmart:loadGenerator), under
 * mocks, in all three stacks: its own ServiceAccount and one Deployment aimed
 * at the edge (the ingress controller's in-cluster Service), counted in the
 * namespace's quota, built from the same Dockerfile as the services; and the
 * authorization graph's promise about it, evaluated over the declared
 * objects with the existing evaluators (support/netpol.ts,
 * support/istio-authz.ts, support/linkerd-authz.ts):
 *
 *   load generator → edge      allowed (its HTTPS port: the edge's TLS is on, the stacks' default)
 *   load generator → services  denied (every service, Redis, every sampled request)
 *   anyone → load generator    denied (but the kubelet's probes)
 *
 * With the switch off (the stacks' own files), nothing of it exists. Its pod
 * is hardened exactly as the gateway's (which hardening.test.ts holds to the
 * whole-object expectation), and its objects are schema-valid with no
 * unknown field (the validators of schema.test.ts and unknown-fields.test.ts).
 * It trusts the edge's certificate (public part, a ConfigMap) and nothing of
 * the key reaches it; services/load-generator's HTTPS test shows it verifies.
 * The three runs with the switch on are this file's own (support/stacks.ts's runStack,
 * as it runs the shared variants).
 */
import { expect } from "chai";
import { authzEdges } from "../../infra/authz/graph";
import { REDIS_PORT, SERVICE_NAMES, SERVICES } from "../../services/topology";
import { INGRESS_NGINX_CONTROLLER_POD_LABELS, PROMETHEUS_POD_LABELS_UPSTREAM } from "./fixtures/upstream";
import { istioAllows, type IstioObject } from "./support/istio-authz";
import { linkerdAllows, type LinkerdObject } from "./support/linkerd-authz";
import { allowed, type Pod, type Policy } from "./support/netpol";
import { objects, reveal, runStack, type StackRun } from "./support/stacks";
import { unknownFieldErrors } from "./support/strict-fields";
import { LINKERD_POLICY_GROUP, validateObject } from "./support/validators";

const NS = "meshmart";
/** What the load generator is called and runs as (the contract: its own ServiceAccount). */
const LG = "load-generator";
/**
 * ingress-nginx chart 4.15.1 (kubernetes/ingress-nginx tag helm-chart-4.15.1 = 0a5901f3, values.yaml
 * controller.containerPort): Service ingress-nginx-controller (release ingress-nginx), port https 443 → container
 * port 443, http 80 → 80. With TLS on (the stacks' default) the generator calls HTTPS; port 80 only redirects.
 */
const EDGE_URL = "https://ingress-nginx-controller.ingress-nginx.svc.cluster.local";
const EDGE_POD_PORT = 443;
const EDGE_PLAIN_PORT = 80;
/** The edge's certificate under mocks (support/run-stack.ts: "mock-<resource name>" of the SelfSignedCert edge-tls-cert). */
const EDGE_CERT_PEM = "-----BEGIN CERTIFICATE-----\nmock-edge-tls-cert\n-----END CERTIFICATE-----\n";
/** Istio 1.30.3 (injection-template.yaml, cni/pkg/plugin/sidecar_redirect.go): the sidecar's outbound ports to leave alone. */
const ISTIO_EXCLUDE_OUTBOUND = "traffic.sidecar.istio.io/excludeOutboundPorts";
/** Linkerd edge-26.8.3 (controller/api/destination/endpoint_translator.go): no identity for a target's skipped inbound port. */
const LINKERD_SKIP_INBOUND = "config.linkerd.io/skip-inbound-ports";

/**
 * The runs with the switch on: each stack's own file plus these (an Ingress host in dev, so it sends that Host).
 * The edge serves HTTPS with the program's certificate (meshmart:edgeTls self-signed, the default), which the
 * generator verifies, sending the certificate's name: the Ingress's host, else localhost.
 */
const LOAD_RUNS = {
  dev: { "meshmart:loadGenerator": "true", "meshmart:ingressHost": "shop.example.test", "meshmart:redisPassword": "test-redis-password" },
  istio: { "meshmart:loadGenerator": "true", "meshmart:loadGeneratorRate": "8" },
  linkerd: { "meshmart:loadGenerator": "true" },
} as const;
type Stack = keyof typeof LOAD_RUNS;

/** The same stacks switched off: their own files (as support/stacks.ts's variants dev, istio and linkerd). */
const OFF_RUNS: Record<Stack, Record<string, string>> = { dev: { "meshmart:redisPassword": "test-redis-password" }, istio: {}, linkerd: {} };

let runs: Promise<Record<string, StackRun>> | undefined;
/** The six runs (each stack on and off), in parallel, once per mocha process. */
function stackRun(stack: Stack, on = true): Promise<StackRun> {
  runs ??= (async () => {
    const plan = (Object.keys(LOAD_RUNS) as Stack[]).flatMap((s) => [
      { key: `${s}-on`, stack: s, overrides: LOAD_RUNS[s] as Record<string, string> },
      { key: `${s}-off`, stack: s, overrides: OFF_RUNS[s] },
    ]);
    const results = await Promise.all(plan.map((p) => runStack(p.stack, p.overrides)));
    return Object.fromEntries(plan.map((p, i) => [p.key, results[i]!]));
  })();
  return runs.then((r) => r[`${stack}-${on ? "on" : "off"}`]!);
}
const loadRun = (stack: Stack) => stackRun(stack, true);

/** Pod-spec and container fields that differ between any two workloads by design (not security). */
const POD_OWN = ["containers", "serviceAccountName", "topologySpreadConstraints", "volumes"];
const CONTAINER_OWN = ["name", "image", "args", "env", "ports", "resources", "livenessProbe", "readinessProbe", "startupProbe", "volumeMounts"];
const without = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const deployment = (r: StackRun) => objects(r, "Deployment").find((d) => d.metadata.name === LG);
const mentionsLg = (x: StackRun["resources"][number]) => JSON.stringify(x.inputs ?? {}).includes(LG) || x.name.includes(LG);
const mentions = (r: StackRun) => r.resources.filter(mentionsLg).map((x) => `${x.type} ${x.name}`);

/** Every pod the run declares in the shop's namespace, with the port it serves. */
function shopPods(r: StackRun): { name: string; app: string; labels: Record<string, string>; port: number; serviceAccount: string }[] {
  return [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].map((d) => {
    const labels = d.spec.template.metadata.labels as Record<string, string>;
    const app = labels.app!;
    const port = app === "redis" ? REDIS_PORT : d.spec.template.spec.containers[0].ports.find((p: any) => p.name === "http").containerPort;
    return { name: d.metadata.name, app, labels, port, serviceAccount: d.spec.template.spec.serviceAccountName };
  });
}

/** Requests a shopper, a service or an intruder might send: every operation of the graph, and more. */
const SAMPLES = (() => {
  const paths = new Set(["/", "/healthz", "/readyz", "/metrics", "/api/products", "/api/cart/u1/add", "/payments", "/orders", "/notifications", "/products/1", "/cart/u1/checkout"]);
  for (const e of authzEdges()) for (const op of e.operations ?? []) paths.add(op.match === "prefix" ? `${op.path.replace(/\/$/, "")}/1` : op.path);
  return [...paths].flatMap((path) => ["GET", "POST", "DELETE"].map((method) => ({ method, path })));
})();

describe("load generator workload (meshmart:loadGenerator)", function () {
  this.timeout(240_000);

  for (const stack of Object.keys(LOAD_RUNS) as Stack[]) {
    describe(`${stack} stack, switched on`, () => {
      it("runs as its own ServiceAccount: one Deployment aimed at the edge, no Service, HPA, PDB or ServiceMonitor", async () => {
        const r = await loadRun(stack);
        expect(r.errors).to.deep.equal([]);
        const sa = objects(r, "ServiceAccount").find((s) => s.metadata.name === LG);
        expect(sa, "ServiceAccount").to.not.equal(undefined);
        expect(sa.automountServiceAccountToken).to.equal(false);
        const d = deployment(r);
        expect(d, "Deployment").to.not.equal(undefined);
        expect(d.spec.replicas).to.equal(1);
        const pod = d.spec.template.spec;
        expect(pod.serviceAccountName).to.equal(LG);
        const c = pod.containers[0];
        const flag = (name: string) => c.args[c.args.indexOf(name) + 1];
        expect(flag("--target")).to.equal(EDGE_URL);
        expect(flag("--duration")).to.equal("0");
        expect(flag("--rate")).to.equal(stack === "istio" ? "8" : "5");
        expect(flag("--health-port")).to.equal(String(c.ports[0].containerPort));
        // The certificate's name as Host and SNI: the Ingress's host, else localhost (infra/edge-tls.ts edgeNames).
        expect(flag("--host")).to.equal(stack === "dev" ? "shop.example.test" : "localhost");
        // Probes on its health port, resources bounded.
        for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) expect(c[probe].httpGet.port, probe).to.equal("http");
        expect(c.resources.limits).to.have.keys("cpu", "memory");
        expect(c.resources.requests).to.have.keys("cpu", "memory");
        // A client, not a service.
        for (const kind of ["Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor"]) {
          expect(objects(r, kind).filter((o) => o.metadata.name === LG || o.spec?.selector?.matchLabels?.app === LG || o.spec?.selector?.app === LG), kind).to.deep.equal([]);
        }
      });

      it("is hardened exactly as the gateway's pod: same pod and container settings, volumes and lifecycle", async () => {
        const r = await loadRun(stack);
        const [lg, gateway] = [deployment(r), objects(r, "Deployment").find((d) => d.metadata.name === "gateway")];
        const pod = (d: any) => without(d.spec.template.spec, POD_OWN);
        const container = (d: any) => without(d.spec.template.spec.containers[0], CONTAINER_OWN);
        expect(pod(lg)).to.deep.equal(pod(gateway));
        expect(container(lg)).to.deep.equal(container(gateway));
        expect(lg.spec.template.spec.containers).to.have.length(1);
        expect(container(lg)).to.have.property("securityContext");
        expect(pod(lg)).to.include({ automountServiceAccountToken: false, enableServiceLinks: false });
        // The same volumes, plus the edge's certificate read-only (below).
        const [lgPod, gatewayPod] = [lg.spec.template.spec, gateway.spec.template.spec];
        expect(lgPod.volumes).to.deep.equal([...gatewayPod.volumes, { name: "edge-ca", configMap: { name: "load-generator-edge-ca" } }]);
        expect(lgPod.containers[0].volumeMounts).to.deep.equal([...gatewayPod.containers[0].volumeMounts, { name: "edge-ca", mountPath: "/etc/meshmart/edge-ca", readOnly: true }]);
      });

      it("trusts the edge's certificate, public part only: a ConfigMap beside it, mounted read-only, named by NODE_EXTRA_CA_CERTS", async () => {
        const r = await loadRun(stack);
        const [cm] = objects(r, "ConfigMap").filter((o) => o.metadata.name === "load-generator-edge-ca");
        expect(cm?.metadata.namespace).to.equal(NS);
        expect(cm.data).to.deep.equal({ "ca.crt": EDGE_CERT_PEM });
        const d = deployment(r);
        const c = d.spec.template.spec.containers[0];
        expect(c.env).to.deep.equal([{ name: "NODE_EXTRA_CA_CERTS", value: "/etc/meshmart/edge-ca/ca.crt" }]);
        expect(c.volumeMounts).to.deep.include({ name: "edge-ca", mountPath: "/etc/meshmart/edge-ca", readOnly: true });
        // No Secret reaches its pod (the key stays in the edge's), and a new certificate restarts it (Node reads the file at start).
        expect(JSON.stringify(d.spec.template.spec.volumes)).not.to.contain("secret");
        expect(d.spec.template.metadata.annotations["meshmart.dev/edge-ca-checksum"]).to.match(/^[0-9a-f]{64}$/);
        // The ConfigMap is declared before the Deployment that mounts it.
        const registered = (type: string, name: string) => r.resources.find((x) => x.type === type && x.inputs.metadata?.name === name)!;
        expect(registered("kubernetes:apps/v1:Deployment", LG).dependencies).to.include(registered("kubernetes:core/v1:ConfigMap", "load-generator-edge-ca").urn);
      });

      it("declares only schema-valid objects, with no unknown field", async () => {
        const r = await loadRun(stack);
        const mine = r.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && x.type !== "kubernetes:helm.sh/v3:Release" && mentionsLg(x));
        expect(mine.map((x) => x.type).sort()).to.include.members(["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:ServiceAccount", "kubernetes:networking.k8s.io/v1:NetworkPolicy"]);
        const problems: string[] = [];
        for (const x of mine) {
          const complaint = await validateObject(reveal(x.inputs));
          if (complaint) problems.push(`${x.urn}: ${complaint}`);
        }
        expect(problems).to.deep.equal([]);
        const strict = mine.map((x) => ({ id: x.urn, object: reveal(x.inputs) })).filter((o) => !o.object.apiVersion.startsWith(`${LINKERD_POLICY_GROUP}/`));
        expect(Object.fromEntries(unknownFieldErrors(strict))).to.deep.equal({});
      });

      it("ships from the services' Dockerfile as its own image, and the Deployment runs that image", async () => {
        const r = await loadRun(stack);
        const image = r.resources.find((x) => x.type === "docker:index/image:Image" && x.inputs.build?.args?.SERVICE === LG);
        expect(image, "image").to.not.equal(undefined);
        expect(image!.inputs.build.dockerfile).to.equal("services/Dockerfile");
        expect(image!.inputs.build.args.PORT).to.equal(String(deployment(r).spec.template.spec.containers[0].ports[0].containerPort));
        expect(deployment(r).spec.template.spec.containers[0].image).to.match(new RegExp(`/${LG}(@sha256:|:)`));
      });

      it("is counted in the namespace's quota (one pod, two during a rollout)", async () => {
        const [on, off] = [await loadRun(stack), await stackRun(stack, false)];
        const hard = (r: StackRun) => objects(r, "ResourceQuota")[0].spec.hard;
        expect(Number(hard(on).pods) - Number(hard(off).pods)).to.equal(2);
      });
    });
  }

  for (const stack of Object.keys(LOAD_RUNS) as Stack[]) {
    it(`${stack} stack, switched off (its own file): nothing of the load generator exists`, async () => {
      const off = await stackRun(stack, false);
      expect(off.errors).to.deep.equal([]);
      expect(off.resources.length).to.be.greaterThan(50);
      expect(mentions(off)).to.deep.equal([]);
    });
  }

  describe("reaches the edge and nothing else; nobody reaches it", () => {
    const outside = {
      ingress: { name: "ingress", namespace: "ingress-nginx", labels: { ...INGRESS_NGINX_CONTROLLER_POD_LABELS } },
      monitoring: { name: "prometheus", namespace: "monitoring", labels: { ...PROMETHEUS_POD_LABELS_UPSTREAM } },
      intruder: { name: "intruder", namespace: NS, labels: { app: "intruder" } },
    } satisfies Record<string, Pod>;

    for (const stack of Object.keys(LOAD_RUNS) as Stack[]) {
      it(`${stack}: NetworkPolicies let it reach the controller's HTTPS port only, admit nobody to it, and let no other pod of the shop reach the edge`, async () => {
        const r = await loadRun(stack);
        const policies = objects(r, "NetworkPolicy") as Policy[];
        const pods = shopPods(r);
        const lg = pods.find((p) => p.app === LG)!;
        const lgPod: Pod = { name: LG, namespace: NS, labels: lg.labels };
        expect(allowed(policies, lgPod, outside.ingress, EDGE_POD_PORT), "→ edge :443").to.equal(true);
        expect(allowed(policies, lgPod, outside.ingress, EDGE_PLAIN_PORT), "→ edge :80 (only redirects)").to.equal(false);
        expect(allowed(policies, lgPod, outside.monitoring, 9090), "→ Prometheus").to.equal(false);
        // The graph's only edge to the edge is the load generator's (docs/architecture.md): no service is its client.
        for (const p of pods.filter((p) => p.app !== LG)) expect(allowed(policies, { name: p.name, namespace: NS, labels: p.labels }, outside.ingress, EDGE_POD_PORT), `${p.name} → edge`).to.equal(false);
        if (stack === "dev") {
          // Without a mesh the NetworkPolicies are the graph: no service, not Redis.
          for (const p of pods.filter((p) => p.app !== LG)) expect(allowed(policies, lgPod, { name: p.name, namespace: NS, labels: p.labels }, p.port), `→ ${p.name}`).to.equal(false);
        }
        // Nobody to it, at L4 in dev; in the meshes the namespace is open at L4 and the mesh decides (below).
        const callers: Pod[] = [outside.ingress, outside.monitoring, ...(stack === "dev" ? [outside.intruder, ...pods.filter((p) => p.app !== LG).map((p) => ({ name: p.name, namespace: NS, labels: p.labels }))] : [])];
        for (const from of callers) expect(allowed(policies, from, lgPod, lg.port), `${from.name} → load generator`).to.equal(false);
      });
    }

    it("istio: the AuthorizationPolicies refuse its principal everywhere, and every principal at its pod", async () => {
      const r = await loadRun("istio");
      const istio = (kind: string) => objects(r, kind).filter((o) => o.apiVersion === "security.istio.io/v1") as IstioObject[];
      const [peerAuth, policies] = [istio("PeerAuthentication"), istio("AuthorizationPolicy")];
      const pods = shopPods(r);
      const lg = pods.find((p) => p.app === LG)!;
      const principal = (ns: string, sa: string) => `cluster.local/ns/${ns}/sa/${sa}`;
      const lgPrincipal = principal(NS, lg.serviceAccount);
      const wrong: string[] = [];
      for (const to of pods.filter((p) => p.app !== LG)) {
        const target = { namespace: NS, labels: to.labels };
        if (to.app === "redis") {
          if (istioAllows(peerAuth, policies, { principal: lgPrincipal, to: target, port: to.port })) wrong.push(`load generator → redis`);
          continue;
        }
        for (const http of SAMPLES) if (istioAllows(peerAuth, policies, { principal: lgPrincipal, to: target, port: to.port, http })) wrong.push(`load generator → ${to.name} ${http.method} ${http.path}`);
      }
      const callers = [
        ...pods.filter((p) => p.app !== LG).map((p) => principal(NS, p.serviceAccount)),
        principal("ingress-nginx", "ingress-nginx"),
        principal("monitoring", "kps-prometheus"),
        principal(NS, "default"),
        undefined, // plaintext
      ];
      for (const from of callers) {
        for (const http of SAMPLES) if (istioAllows(peerAuth, policies, { principal: from, to: { namespace: NS, labels: lg.labels }, port: lg.port, http })) wrong.push(`${from ?? "plaintext"} → load generator ${http.method} ${http.path}`);
      }
      expect(wrong).to.deep.equal([]);
      // A check that can pass: the gateway's callers are admitted by the same evaluator.
      const gateway = pods.find((p) => p.app === "gateway")!;
      expect(istioAllows(peerAuth, policies, { principal: principal("ingress-nginx", "ingress-nginx"), to: { namespace: NS, labels: gateway.labels }, port: gateway.port, http: { method: "GET", path: "/api/products" } })).to.equal(true);
      // The edge: no policy of ours selects the controller, and the load generator's sidecar leaves its HTTPS port alone
      // (the controller's inbound is not captured, so mTLS to it would fail).
      expect(istioAllows(peerAuth, policies, { principal: lgPrincipal, to: { namespace: "ingress-nginx", labels: outside.ingress.labels }, port: EDGE_POD_PORT, http: { method: "GET", path: "/api/products" } })).to.equal(true);
      expect(deployment(r).spec.template.metadata.annotations).to.include({ [ISTIO_EXCLUDE_OUTBOUND]: String(EDGE_POD_PORT) });
      for (const d of objects(r, "Deployment").filter((d) => d.metadata.name !== LG)) expect(d.spec.template.metadata.annotations ?? {}, d.metadata.name).not.to.have.property(ISTIO_EXCLUDE_OUTBOUND);
    });

    it("linkerd: the policies refuse its identity everywhere, and nobody but the kubelet's probes reaches its pod", async () => {
      const r = await loadRun("linkerd");
      const linkerdObjects = r.resources.filter((x) => /policy\.linkerd\.io|gateway\.networking\.k8s\.io/.test(x.type)).map((x) => reveal(x.inputs) as LinkerdObject);
      const ns = objects(r, "Namespace").find((n) => n.metadata.name === NS);
      const o = { objects: linkerdObjects, defaultPolicy: (name: string) => (name === NS ? ns.metadata.annotations["config.linkerd.io/default-inbound-policy"] : "all-unauthenticated") };
      expect(o.defaultPolicy(NS)).to.equal("deny");
      const pods = shopPods(r);
      const lg = pods.find((p) => p.app === LG)!;
      const asLinkerdPod = (p: (typeof pods)[number]) => {
        const d = [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].find((x) => x.metadata.name === p.name);
        const c = d.spec.template.spec.containers[0];
        const probes: Record<number, string[]> = {};
        for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe].filter((x) => x?.httpGet)) (probes[p.port] ??= []).push(probe.httpGet.path);
        return { namespace: NS, labels: { ...p.labels, "linkerd.io/control-plane-ns": "linkerd" }, ports: Object.fromEntries(c.ports.map((x: any) => [x.name, x.containerPort])), probes };
      };
      const lgIdentity = { namespace: NS, serviceAccount: lg.serviceAccount };
      const wrong: string[] = [];
      for (const to of pods.filter((p) => p.app !== LG)) {
        const req = { identity: lgIdentity, ip: "10.244.1.77", to: asLinkerdPod(to), port: to.port };
        if (to.app === "redis") {
          if (linkerdAllows(o, req)) wrong.push("load generator → redis");
          continue;
        }
        for (const http of SAMPLES.filter((s) => s.path !== "/healthz" && s.path !== "/readyz")) if (linkerdAllows(o, { ...req, http })) wrong.push(`load generator → ${to.name} ${http.method} ${http.path}`);
      }
      const callers = [
        ...pods.filter((p) => p.app !== LG).map((p) => ({ namespace: NS, serviceAccount: p.serviceAccount })),
        { namespace: "ingress-nginx", serviceAccount: "ingress-nginx" },
        { namespace: "monitoring", serviceAccount: "kps-prometheus" },
        undefined,
      ];
      for (const identity of callers) {
        for (const http of SAMPLES.filter((s) => s.path !== "/healthz" && s.path !== "/readyz")) {
          if (linkerdAllows(o, { identity, ip: "10.244.2.10", to: asLinkerdPod(lg), port: lg.port, http })) wrong.push(`${identity?.serviceAccount ?? "plaintext"} → load generator ${http.method} ${http.path}`);
        }
      }
      expect(wrong).to.deep.equal([]);
      // The kubelet's probes (Linkerd's default probe authorization: no Server selects the load generator).
      expect(linkerdAllows(o, { ip: "10.244.0.1", to: asLinkerdPod(lg), port: lg.port, http: { method: "GET", path: "/healthz" } })).to.equal(true);
      expect(linkerdObjects.filter((x) => x.kind === "Server" && JSON.stringify(x.spec.podSelector ?? {}).includes(LG))).to.deep.equal([]);
      // The edge: the controller skips its proxy on port 443, so the destination service gives the load generator's
      // proxy no identity for it and the call is the generator's own TLS, which nginx takes as from anyone.
      const release = r.resources.find((x) => x.type === "kubernetes:helm.sh/v3:Release" && x.inputs.name === "ingress-nginx")!;
      const skipped = String(release.inputs.values.controller.podAnnotations[LINKERD_SKIP_INBOUND]).split(",");
      expect(skipped).to.include(String(EDGE_POD_PORT));
    });
  });

  it("the graph: with the load generator it adds exactly one edge, to the edge; without, none", () => {
    const key = (e: { from: string; to: string; kind: string }) => `${e.from}->${e.to} (${e.kind})`;
    const base = authzEdges().map(key);
    const on = authzEdges(undefined, undefined, { loadGenerator: true }).map(key);
    expect(on.filter((k) => !base.includes(k))).to.deep.equal([`${LG}->ingress (shopper)`]);
    expect(base.filter((k) => k.includes(LG))).to.deep.equal([]);
    expect(on.filter((k) => k.includes(`->${LG}`))).to.deep.equal([]);
    expect(SERVICE_NAMES.every((s) => !on.includes(`${LG}->${s} (call)`))).to.equal(true);
    expect(Object.keys(SERVICES)).to.not.include(LG);
  });
});
