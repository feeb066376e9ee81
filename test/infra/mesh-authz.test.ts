/**
 * The authorization graph, table-driven, against the policies the istio and
 * linkerd stacks declare: the policies are evaluated (support/istio-authz.ts,
 * support/linkerd-authz.ts) for every ordered pair of parties — every
 * service's pods, Redis, the ingress controller, Prometheus, an outsider pod
 * in the shop's namespace, an impostor with a service's account name in
 * another namespace, and a client outside the mesh — so every edge of the
 * graph must be allowed and every other pair denied. (The dev stack's
 * NetworkPolicies: authz.test.ts.)
 */
import { expect } from "chai";
import { authzEdges, type AuthzEdge, type Operation } from "../../infra/authz/graph";
import { SERVICES, REDIS_PORT } from "../../services/topology";

/** redis_exporter's default listen port (--web.listen-address :9121): the exporter sidecar in Redis's pod. */
const EXPORTER_PORT = 9121;
import { istioAllows, mtlsMode, type IstioObject } from "./support/istio-authz";
import { inCidr, linkerdAllows, type LinkerdObject, type Pod as LinkerdPod } from "./support/linkerd-authz";
import { objects, reveal, run, type StackRun } from "./support/stacks";
import { WORKLOADS } from "./support/shop-shape";
import { intendedRedisUsers } from "./fixtures/intended-graph";

const NS = "meshmart";
const GRAPH = authzEdges();

/** Whether an operation covers a request (prefix: element-wise, as Gateway API and our Istio paths). */
function covers(op: Operation, http: { method: string; path: string }): boolean {
  if (op.method !== http.method) return false;
  if (op.match === "exact") return http.path === op.path;
  return http.path === op.path || http.path.startsWith(op.path.endsWith("/") ? op.path : `${op.path}/`);
}

/** What an edge grants: its operations; /metrics belongs to the scrape edges alone. */
function grants(edge: AuthzEdge, http: { method: string; path: string }): boolean {
  if (http.path === "/metrics" && edge.kind !== "scrape") return false;
  return (edge.operations ?? []).some((op) => covers(op, http));
}

/**
 * Requests tried on every service: a path of every operation in the graph (a
 * prefix's own path and one below it) with every method, and a few nobody is
 * granted. The probe paths are left to their own test (the kubelet's).
 */
const SAMPLE_REQUESTS = (() => {
  const paths = new Set<string>(["/metrics", "/admin", "/api/orders", "/payments/1"]);
  for (const e of GRAPH) {
    for (const op of e.operations ?? []) {
      paths.add(op.path === "/" ? "/api/products" : op.path);
      if (op.match === "prefix") paths.add(op.path === "/" ? "/index.html" : `${op.path}/1`);
    }
  }
  return [...paths].flatMap((path) => ["GET", "HEAD", "POST", "DELETE", "PUT"].map((method) => ({ method, path })));
})();

interface Party {
  readonly name: string;
  /** The graph's name for it (pods of payment-v1 are "payment"); undefined: not in the graph. */
  readonly peer?: string;
  /** Mesh identity; undefined: outside the mesh (plaintext). */
  readonly identity?: { namespace: string; serviceAccount: string };
  readonly ip: string;
}

interface Target {
  readonly name: string;
  readonly app: string;
  readonly labels: Record<string, string>;
  readonly port: number;
  readonly portNames: Record<string, number>;
  readonly probes: Record<number, string[]>;
}

/** The shop's pods as the run declares them (template labels, service account, every container's ports, probes). */
function shopPods(r: StackRun): Target[] {
  return [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].map((d) => {
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const portNames: Record<string, number> = Object.fromEntries(pod.containers.flatMap((x: any) => x.ports ?? []).map((p: any) => [p.name, p.containerPort]));
    const probes: Record<number, string[]> = {};
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe].filter((p) => p?.httpGet)) {
      const port = typeof probe.httpGet.port === "number" ? probe.httpGet.port : portNames[probe.httpGet.port]!;
      (probes[port] ??= []).push(probe.httpGet.path);
    }
    const app = d.spec.template.metadata.labels.app as string;
    return { name: d.metadata.name, app, labels: d.spec.template.metadata.labels, port: app === "redis" ? REDIS_PORT : SERVICES[app as "cart"].port, portNames, probes };
  });
}

/** Redis's pod once more, at its exporter sidecar's port: an HTTP target of its own. */
function exporterTarget(r: StackRun): Target {
  const redis = shopPods(r).find((t) => t.app === "redis")!;
  expect(redis.portNames).to.include({ redis: REDIS_PORT });
  expect(Object.values(redis.portNames)).to.include(EXPORTER_PORT);
  return { ...redis, name: "redis-exporter", port: EXPORTER_PORT };
}

/** The graph's port of an edge: its own, else its target's. */
const edgePort = (e: AuthzEdge) => e.port ?? (e.to === "redis" ? REDIS_PORT : SERVICES[e.to as "cart"].port);

function parties(r: StackRun): Party[] {
  const inShop = [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].map((d, i) => ({
    name: d.metadata.name,
    peer: d.spec.template.metadata.labels.app,
    identity: { namespace: NS, serviceAccount: d.spec.template.spec.serviceAccountName },
    ip: `10.244.1.${i + 10}`,
  }));
  return [
    ...inShop,
    { name: "ingress", peer: "ingress", identity: { namespace: "ingress-nginx", serviceAccount: "ingress-nginx" }, ip: "10.244.2.10" },
    { name: "monitoring", peer: "monitoring", identity: { namespace: "monitoring", serviceAccount: "kps-prometheus" }, ip: "10.244.3.10" },
    { name: "outsider", identity: { namespace: NS, serviceAccount: "default" }, ip: "10.244.1.99" },
    { name: "impostor", identity: { namespace: "default", serviceAccount: "cart" }, ip: "10.244.4.10" },
    { name: "plaintext", ip: "10.244.5.10" },
  ];
}


interface Mesh {
  readonly stack: "istio" | "linkerd";
  allows(r: StackRun, from: Party, to: Target, http?: { method: string; path: string }): boolean;
}

const istioObjects = (r: StackRun, kind: string) => objects(r, kind).filter((o) => o.apiVersion === "security.istio.io/v1") as IstioObject[];
const ISTIO: Mesh = {
  stack: "istio",
  allows: (r, from, to, http) =>
    istioAllows(istioObjects(r, "PeerAuthentication"), istioObjects(r, "AuthorizationPolicy"), {
      principal: from.identity && `cluster.local/ns/${from.identity.namespace}/sa/${from.identity.serviceAccount}`,
      to: { namespace: NS, labels: to.labels },
      port: to.port,
      http,
    }),
};

function linkerdObjects(r: StackRun): LinkerdObject[] {
  return r.resources
    .filter((x) => /policy\.linkerd\.io|gateway\.networking\.k8s\.io/.test(x.type))
    .map((x) => reveal(x.inputs) as LinkerdObject);
}
const linkerdPod = (t: Target): LinkerdPod => ({
  namespace: NS,
  // What the proxy injector adds: the control plane label, the proxy's admin port.
  labels: { ...t.labels, "linkerd.io/control-plane-ns": "linkerd" },
  ports: { ...t.portNames, "linkerd-admin": 4191 },
  probes: { ...t.probes, 4191: ["/live", "/ready"] },
});
function namespaceDefault(r: StackRun): (ns: string) => string {
  const ns = objects(r, "Namespace").find((n) => n.metadata.name === NS);
  return (name) => (name === NS ? ns.metadata.annotations["config.linkerd.io/default-inbound-policy"] : "all-unauthenticated");
}
const LINKERD: Mesh = {
  stack: "linkerd",
  allows: (r, from, to, http) =>
    linkerdAllows({ objects: linkerdObjects(r), defaultPolicy: namespaceDefault(r) }, { identity: from.identity, ip: from.ip, to: linkerdPod(to), port: to.port, http }),
};

for (const mesh of [ISTIO, LINKERD]) {
  describe(`authorization graph enforced by the ${mesh.stack} stack's policies (evaluated)`, function () {
    this.timeout(180_000);
    let r: StackRun;
    before(async () => {
      r = await run(mesh.stack);
    });

    it("allows every (caller, method, path) of the graph and denies everything else (table)", () => {
      const wrong: string[] = [];
      let allowed = 0;
      let denied = 0;
      const pods = shopPods(r);
      expect(pods.map((t) => t.name)).to.have.members([...WORKLOADS]);
      const targets = [...pods, exporterTarget(r)];
      for (const from of parties(r)) {
        for (const to of targets) {
          if (from.name === to.name || (from.name === "redis" && to.app === "redis")) continue;
          const edges = GRAPH.filter((e) => e.from === from.peer && e.to === to.app && edgePort(e) === to.port);
          if (to.app === "redis" && to.port === REDIS_PORT) {
            const expected = edges.length > 0;
            const actual = mesh.allows(r, from, to, undefined);
            if (actual !== expected) wrong.push(`${from.name} -> redis tcp: expected ${expected ? "allowed" : "denied"}`);
            actual ? allowed++ : denied++;
            continue;
          }
          for (const http of SAMPLE_REQUESTS) {
            const expected = edges.some((e) => grants(e, http));
            const actual = mesh.allows(r, from, to, http);
            if (actual !== expected) wrong.push(`${from.name} -> ${to.name} ${http.method} ${http.path}: expected ${expected ? "allowed" : "denied"}`);
            actual ? allowed++ : denied++;
          }
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(allowed).to.be.greaterThan(50);
      expect(denied).to.be.greaterThan(1500);
    });

    it("lets the gateway read orders but only cart create one; nobody but cart charges", () => {
      const party = (name: string) => parties(r).find((p) => p.name === name)!;
      const pod = (name: string) => shopPods(r).find((t) => t.name === name)!;
      expect(mesh.allows(r, party("gateway"), pod("orders"), { method: "GET", path: "/orders/1" })).to.equal(true);
      expect(mesh.allows(r, party("gateway"), pod("orders"), { method: "POST", path: "/orders" })).to.equal(false);
      expect(mesh.allows(r, party("cart"), pod("orders"), { method: "POST", path: "/orders" })).to.equal(true);
      expect(mesh.allows(r, party("cart"), pod("payment-v2"), { method: "POST", path: "/payments" })).to.equal(true);
      expect(mesh.allows(r, party("cart"), pod("payment-v2"), { method: "GET", path: "/payments/x" })).to.equal(false);
      expect(mesh.allows(r, party("orders"), pod("users"), { method: "GET", path: "/users/1" })).to.equal(true);
      expect(mesh.allows(r, party("orders"), pod("users"), { method: "POST", path: "/users" })).to.equal(false);
    });

    it("payment admits cart only; notifications admits cart and payment only", () => {
      const callers = (target: string, path: string) =>
        parties(r)
          .filter((p) => mesh.allows(r, p, shopPods(r).find((t) => t.name === target)!, { method: "POST", path }))
          .map((p) => p.name)
          .sort();
      expect(callers("payment-v1", "/payments")).to.deep.equal(["cart"]);
      expect(callers("payment-v2", "/payments")).to.deep.equal(["cart"]);
      expect(callers("notifications", "/notifications")).to.deep.equal(["cart", "payment-v1", "payment-v2"]);
    });

    it("lets Prometheus GET /metrics from Redis's exporter and nothing else there; nobody else reaches the exporter", () => {
      const exporter = exporterTarget(r);
      const party = (name: string) => parties(r).find((p) => p.name === name)!;
      expect(mesh.allows(r, party("monitoring"), exporter, { method: "GET", path: "/metrics" })).to.equal(true);
      expect(mesh.allows(r, party("monitoring"), exporter, { method: "POST", path: "/metrics" })).to.equal(false);
      expect(mesh.allows(r, party("monitoring"), exporter, { method: "GET", path: "/scrape" })).to.equal(false);
      expect(mesh.allows(r, party("monitoring"), shopPods(r).find((t) => t.app === "redis")!, undefined)).to.equal(false);
      for (const name of ["cart", "payment-v1", "notifications", "gateway", "ingress", "outsider", "impostor", "plaintext"]) {
        expect(mesh.allows(r, party(name), exporter, { method: "GET", path: "/metrics" }), name).to.equal(false);
      }
    });

    it("a pod outside the mesh (no identity) reaches no service's API", () => {
      const plaintext = parties(r).find((p) => p.name === "plaintext")!;
      for (const to of shopPods(r)) expect(mesh.allows(r, plaintext, to, to.app === "redis" ? undefined : { method: "GET", path: "/x" }), to.name).to.equal(false);
    });
  });
}

describe("istio policy details", function () {
  this.timeout(180_000);
  let r: StackRun;
  before(async () => {
    r = await run("istio");
  });

  it("is STRICT for every shop workload and port, from one namespace-wide PeerAuthentication", () => {
    const pas = istioObjects(r, "PeerAuthentication");
    expect(pas.map((p) => [p.metadata.name, p.metadata.namespace, p.spec])).to.deep.equal([["default", NS, { mtls: { mode: "STRICT" } }]]);
    for (const t of shopPods(r)) expect(mtlsMode(pas, { namespace: NS, labels: t.labels }, t.port)).to.equal("STRICT");
  });

  it("denies by default: an allow-nothing policy applies to every workload", () => {
    const nothing = istioObjects(r, "AuthorizationPolicy").find((p) => p.metadata.name === "allow-nothing")!;
    expect(nothing.spec).to.deep.equal({});
    // Without the per-service policies, nobody gets anywhere, not even an edge of the graph.
    const cart = parties(r).find((p) => p.name === "cart")!;
    const payment = shopPods(r).find((t) => t.name === "payment-v1")!;
    expect(ISTIO.allows(r, cart, payment, { method: "POST", path: "/payments" })).to.equal(true);
    const principal = "cluster.local/ns/meshmart/sa/cart";
    expect(istioAllows(istioObjects(r, "PeerAuthentication"), [nothing], { principal, to: { namespace: NS, labels: payment.labels }, port: 5003, http: { method: "POST", path: "/payments" } })).to.equal(false);
  });

  it("lets Prometheus GET /metrics only, and only on the service's port", () => {
    const prom = parties(r).find((p) => p.name === "monitoring")!;
    const users = shopPods(r).find((t) => t.name === "users")!;
    expect(ISTIO.allows(r, prom, users, { method: "GET", path: "/metrics" })).to.equal(true);
    expect(ISTIO.allows(r, prom, users, { method: "POST", path: "/metrics" })).to.equal(false);
    expect(ISTIO.allows(r, prom, users, { method: "GET", path: "/users/1" })).to.equal(false);
    expect(ISTIO.allows(r, prom, { ...users, port: 9999 }, { method: "GET", path: "/metrics" })).to.equal(false);
  });

  it("names callers by the principals of the Shop's service accounts (derived, not hand-listed)", () => {
    const payment = istioObjects(r, "AuthorizationPolicy").find((p) => p.metadata.name === "payment")!;
    expect(payment.spec.selector).to.deep.equal({ matchLabels: { app: "payment" } });
    expect(payment.spec.rules).to.deep.equal([
      {
        from: [{ source: { principals: ["cluster.local/ns/meshmart/sa/cart"] } }],
        to: [{ operation: { methods: ["POST"], paths: ["/payments"], notPaths: ["/metrics"], ports: ["5003"] } }],
      },
      {
        from: [{ source: { principals: ["cluster.local/ns/monitoring/sa/kps-prometheus"] } }],
        to: [
          { operation: { methods: ["GET"], paths: ["/metrics"], ports: ["5003"] } },
          { operation: { methods: ["HEAD"], paths: ["/metrics"], ports: ["5003"] } },
        ],
      },
    ]);
    const orders = istioObjects(r, "AuthorizationPolicy").find((p) => p.metadata.name === "orders")!;
    const gatewayRule = orders.spec.rules.find((x: any) => x.from[0].source.principals[0].endsWith("/sa/gateway"));
    expect(gatewayRule.to).to.deep.equal([{ operation: { methods: ["GET"], paths: ["/orders", "/orders/*"], notPaths: ["/metrics"], ports: ["8001"] } }]);
    const redis = istioObjects(r, "AuthorizationPolicy").find((p) => p.metadata.name === "redis")!;
    const prometheus = "cluster.local/ns/monitoring/sa/kps-prometheus";
    const users = redis.spec.rules.filter((x: any) => x.from[0].source.principals[0] !== prometheus);
    expect(users.map((x: any) => x.from[0].source.principals[0]).sort()).to.deep.equal(
      intendedRedisUsers().map((s) => `cluster.local/ns/meshmart/sa/${s}`),
    );
    for (const rule of users) expect(rule.to).to.deep.equal([{ operation: { ports: ["6379"] } }]);
    // Prometheus: GET (and HEAD) /metrics on the exporter's port, never Redis's.
    expect(redis.spec.rules.filter((x: any) => x.from[0].source.principals[0] === prometheus)).to.deep.equal([
      {
        from: [{ source: { principals: [prometheus] } }],
        to: [
          { operation: { methods: ["GET"], paths: ["/metrics"], ports: ["9121"] } },
          { operation: { methods: ["HEAD"], paths: ["/metrics"], ports: ["9121"] } },
        ],
      },
    ]);
  });

  it("keeps kubelet probes working under STRICT: plaintext to the app port is refused, so probes are rewritten to the agent", () => {
    const kubelet = parties(r).find((p) => p.name === "plaintext")!;
    const cart = shopPods(r).find((t) => t.name === "cart")!;
    expect(ISTIO.allows(r, kubelet, cart, { method: "GET", path: "/healthz" })).to.equal(false);
    for (const d of objects(r, "Deployment")) expect(d.spec.template.metadata.annotations["sidecar.istio.io/rewriteAppHTTPProbers"]).to.equal("true");
  });

  describe("the evaluator", () => {
    const w = { namespace: "n", labels: { app: "a" } };
    const policy = (spec: any, namespace = "n") => ({ metadata: { name: "p", namespace }, spec });
    it("allows without policies, and plaintext only when not STRICT", () => {
      expect(istioAllows([], [], { to: w, port: 80 })).to.equal(true);
      expect(istioAllows([policy({ mtls: { mode: "STRICT" } })], [], { to: w, port: 80 })).to.equal(false);
      expect(istioAllows([policy({ mtls: { mode: "STRICT" } }, "istio-system")], [], { to: w, port: 80 })).to.equal(false);
      expect(istioAllows([policy({ mtls: { mode: "STRICT" } }), policy({ selector: { matchLabels: { app: "a" } }, mtls: { mode: "PERMISSIVE" } })], [], { to: w, port: 80 })).to.equal(true);
    });
    it("applies DENY before ALLOW, and matches principals, paths and ports with wildcards", () => {
      const allow = policy({ action: "ALLOW", rules: [{ from: [{ source: { principals: ["td/ns/x/*"] } }], to: [{ operation: { paths: ["/api/*"], ports: ["80"] } }] }] });
      const deny = policy({ action: "DENY", rules: [{ from: [{ source: { principals: ["td/ns/x/sa/bad"] } }] }] });
      const req = (principal: string, path: string, port = 80) => ({ principal, to: w, port, http: { method: "GET", path } });
      expect(istioAllows([], [allow], req("td/ns/x/sa/good", "/api/1"))).to.equal(true);
      expect(istioAllows([], [allow], req("td/ns/y/sa/good", "/api/1"))).to.equal(false);
      expect(istioAllows([], [allow], req("td/ns/x/sa/good", "/admin"))).to.equal(false);
      expect(istioAllows([], [allow], req("td/ns/x/sa/good", "/api/1", 81))).to.equal(false);
      expect(istioAllows([], [allow, deny], req("td/ns/x/sa/bad", "/api/1"))).to.equal(false);
    });
    it("never matches an HTTP condition on raw TCP, and refuses what it does not model", () => {
      const allow = policy({ rules: [{ to: [{ operation: { methods: ["GET"] } }] }] });
      expect(istioAllows([], [allow], { principal: "p", to: w, port: 6379 })).to.equal(false);
      expect(() => istioAllows([], [policy({ rules: [{ when: [{ key: "request.auth.claims[iss]" }] }] })], { principal: "p", to: w, port: 1 })).to.throw("not modelled");
      expect(() => istioAllows([], [policy({ action: "CUSTOM", rules: [] })], { principal: "p", to: w, port: 1 })).to.throw("not modelled");
    });
  });
});

describe("linkerd policy details", function () {
  this.timeout(180_000);
  let r: StackRun;
  before(async () => {
    r = await run("linkerd");
  });

  it("denies by default in the shop's namespace and on every Server", () => {
    const ns = objects(r, "Namespace").find((n) => n.metadata.name === NS);
    expect(ns.metadata.annotations).to.include({ "config.linkerd.io/default-inbound-policy": "deny", "linkerd.io/inject": "enabled" });
    for (const s of linkerdObjects(r).filter((o) => o.kind === "Server")) expect(s.spec.accessPolicy, s.metadata.name).to.equal("deny");
  });

  it("keeps kubelet probes working: GET on each pod's probe paths, nothing else unauthenticated", () => {
    const kubelet: Party = { name: "kubelet", ip: "172.18.0.2" };
    for (const to of shopPods(r).filter((t) => t.app !== "redis")) {
      for (const path of ["/healthz", "/readyz"]) expect(LINKERD.allows(r, kubelet, to, { method: "GET", path }), `${to.name} ${path}`).to.equal(true);
      expect(LINKERD.allows(r, kubelet, to, { method: "GET", path: "/metrics" })).to.equal(false);
      expect(LINKERD.allows(r, kubelet, to, { method: "POST", path: "/healthz" })).to.equal(false);
    }
  });

  it("lets Prometheus GET /metrics only: its identity may not call the API (per-route authorization)", () => {
    const prom = parties(r).find((p) => p.name === "monitoring")!;
    for (const to of shopPods(r).filter((t) => t.app !== "redis")) {
      expect(LINKERD.allows(r, prom, to, { method: "GET", path: "/metrics" }), to.name).to.equal(true);
      expect(LINKERD.allows(r, prom, to, { method: "POST", path: "/metrics" }), to.name).to.equal(false);
      expect(LINKERD.allows(r, prom, to, { method: "POST", path: "/payments" }), to.name).to.equal(false);
    }
  });

  it("attaches routes to every service's Server: /metrics, the probes, and one per operation the graph grants", () => {
    const routes = linkerdObjects(r).filter((o) => o.kind === "HTTPRoute" && o.spec.parentRefs.some((p: any) => p.kind === "Server"));
    const names = (app: string) => routes.filter((o) => o.spec.parentRefs.some((p: any) => p.name === app)).map((o) => o.metadata.name).sort();
    expect(names("orders")).to.deep.equal(["orders-get-orders", "orders-metrics", "orders-post-orders", "orders-probes"]);
    expect(names("payment")).to.deep.equal(["payment-metrics", "payment-post-payments", "payment-probes"]);
    expect(names("gateway")).to.deep.equal(["gateway-delete-api-cart", "gateway-get-root", "gateway-head-root", "gateway-metrics", "gateway-post-api-cart", "gateway-probes"]);
    const post = routes.find((o) => o.metadata.name === "orders-post-orders")!;
    expect(post.spec.rules).to.deep.equal([{ matches: [{ path: { type: "Exact", value: "/orders" }, method: "POST" }] }]);
  });

  it("lets linkerd-viz's Prometheus and the platform's scrape the proxies' admin port, and the kubelet probe it, nobody else", () => {
    const o = { objects: linkerdObjects(r), defaultPolicy: namespaceDefault(r) };
    const kps = { namespace: "monitoring", serviceAccount: "kps-prometheus" };
    const viz = { namespace: "linkerd-viz", serviceAccount: "prometheus" };
    for (const pod of shopPods(r)) {
      const to = linkerdPod(pod);
      const req = (identity: typeof viz | undefined, path: string, method = "GET") => ({ identity, ip: "10.244.9.9", to, port: 4191, http: { method, path } });
      expect(linkerdAllows(o, req(viz, "/metrics")), pod.name).to.equal(true);
      expect(linkerdAllows(o, req(kps, "/metrics")), pod.name).to.equal(true);
      for (const identity of [viz, kps]) {
        expect(linkerdAllows(o, req(identity, "/shutdown")), pod.name).to.equal(false);
        expect(linkerdAllows(o, req(identity, "/metrics", "POST")), pod.name).to.equal(false);
      }
      expect(linkerdAllows(o, req({ namespace: "meshmart", serviceAccount: "cart" }, "/metrics")), pod.name).to.equal(false);
      expect(linkerdAllows(o, req({ namespace: "meshmart", serviceAccount: "default" }, "/metrics")), pod.name).to.equal(false);
      expect(linkerdAllows(o, req(undefined, "/ready")), pod.name).to.equal(true);
      expect(linkerdAllows(o, req(undefined, "/metrics")), pod.name).to.equal(false);
    }
  });

  it("without monitoring, the platform's Prometheus gets nothing on the proxies' admin port (no policy names it)", async () => {
    const off = await run("linkerdCanary"); // monitoring off there
    const o = { objects: linkerdObjects(off), defaultPolicy: namespaceDefault(off) };
    expect(linkerdObjects(off).filter((x) => x.kind === "AuthorizationPolicy").map((x) => x.metadata.name)).not.to.include("proxy-metrics-prometheus");
    const to = linkerdPod(shopPods(off).find((t) => t.name === "cart")!);
    expect(linkerdAllows(o, { identity: { namespace: "monitoring", serviceAccount: "kps-prometheus" }, ip: "10.244.9.9", to, port: 4191, http: { method: "GET", path: "/metrics" } })).to.equal(false);
    expect(objects(off, "PodMonitor")).to.deep.equal([]);
  });

  describe("the evaluator", () => {
    const pod: LinkerdPod = { namespace: "n", labels: { app: "a" }, ports: { http: 80 }, probes: { 80: ["/healthz"] } };
    const obj = (kind: string, name: string, spec: any): LinkerdObject => ({ apiVersion: "x", kind, metadata: { name, namespace: "n" }, spec });
    const server = obj("Server", "a", { podSelector: { matchLabels: { app: "a" } }, port: "http" });
    const authn = obj("MeshTLSAuthentication", "m", { identityRefs: [{ kind: "ServiceAccount", name: "b" }] });
    const ap = obj("AuthorizationPolicy", "p", { targetRef: { group: "policy.linkerd.io", kind: "Server", name: "a" }, requiredAuthenticationRefs: [{ group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: "m" }] });
    const objs = (...objects: LinkerdObject[]) => ({ objects, defaultPolicy: () => "deny" });
    const req = (serviceAccount: string | undefined, path = "/x", port = 80) => ({
      identity: serviceAccount ? { namespace: "n", serviceAccount } : undefined,
      ip: "10.0.0.1",
      to: pod,
      port,
      http: { method: "GET", path },
    });
    it("admits an authenticated identity on a Server and denies the rest, probes aside", () => {
      expect(linkerdAllows(objs(server, authn, ap), req("b"))).to.equal(true);
      expect(linkerdAllows(objs(server, authn, ap), req("c"))).to.equal(false);
      expect(linkerdAllows(objs(server, authn), req("b"))).to.equal(false);
      expect(linkerdAllows(objs(server, authn, ap), req(undefined, "/healthz"))).to.equal(true);
      expect(linkerdAllows(objs(), req("b"))).to.equal(false);
      expect(linkerdAllows({ objects: [], defaultPolicy: () => "all-unauthenticated" }, req(undefined))).to.equal(true);
    });
    it("drops the probe default once a Server has routes", () => {
      const route = obj("HTTPRoute", "r", { parentRefs: [{ kind: "Server", name: "a" }], rules: [{ matches: [{ path: { type: "Exact", value: "/x" } }] }] });
      const routeAp = obj("AuthorizationPolicy", "rp", { targetRef: { kind: "HTTPRoute", name: "r" }, requiredAuthenticationRefs: [{ group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: "m" }] });
      expect(linkerdAllows(objs(server, authn, route, routeAp), req("b", "/x"))).to.equal(true);
      expect(linkerdAllows(objs(server, authn, route, routeAp), req("b", "/y"))).to.equal(false);
      expect(linkerdAllows(objs(server, authn, route, routeAp), req(undefined, "/healthz"))).to.equal(false);
    });
    it("picks the most specific route, as Gateway API precedence does: its policies alone decide", () => {
      const route = (name: string, match: any) => obj("HTTPRoute", name, { parentRefs: [{ kind: "Server", name: "a" }], rules: [{ matches: [match] }] });
      const policyOn = (name: string, authnName: string) =>
        obj("AuthorizationPolicy", `${name}-p`, { targetRef: { kind: "HTTPRoute", name }, requiredAuthenticationRefs: [{ group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: authnName }] });
      const scraper = obj("MeshTLSAuthentication", "s", { identityRefs: [{ kind: "ServiceAccount", name: "prom" }] });
      const all = objs(server, authn, scraper, route("api", { path: { type: "PathPrefix", value: "/" } }), policyOn("api", "m"), route("metrics", { path: { type: "Exact", value: "/metrics" }, method: "GET" }), policyOn("metrics", "s"));
      expect(linkerdAllows(all, req("b", "/x"))).to.equal(true);
      expect(linkerdAllows(all, req("b", "/metrics"))).to.equal(false);
      expect(linkerdAllows(all, req("prom", "/metrics"))).to.equal(true);
      expect(linkerdAllows(all, req("prom", "/x"))).to.equal(false);
    });
    it("matches CIDRs", () => {
      expect(inCidr("10.1.2.3", "10.0.0.0/8")).to.equal(true);
      expect(inCidr("11.1.2.3", "10.0.0.0/8")).to.equal(false);
      expect(inCidr("1.2.3.4", "0.0.0.0/0")).to.equal(true);
      expect(inCidr("1.2.3.4", "::/0")).to.equal(false);
    });
  });
});
