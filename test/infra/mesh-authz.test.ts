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
import { authzEdges } from "../../infra/authz/graph";
import { SERVICES, REDIS_PORT } from "../../services/topology";
import { istioAllows, mtlsMode, type IstioObject } from "./support/istio-authz";
import { inCidr, linkerdAllows, type LinkerdObject, type Pod as LinkerdPod } from "./support/linkerd-authz";
import { objects, reveal, run, type StackRun } from "./support/stacks";

const NS = "meshmart";
const EDGES = new Set(authzEdges().map((e) => `${e.from}->${e.to}`));

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

/** The shop's pods as the run declares them (template labels, service account, ports, probes). */
function shopPods(r: StackRun): Target[] {
  return [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].map((d) => {
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const portNames: Record<string, number> = Object.fromEntries(c.ports.map((p: any) => [p.name, p.containerPort]));
    const probes: Record<number, string[]> = {};
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe].filter((p) => p?.httpGet)) {
      const port = typeof probe.httpGet.port === "number" ? probe.httpGet.port : portNames[probe.httpGet.port]!;
      (probes[port] ??= []).push(probe.httpGet.path);
    }
    const app = d.spec.template.metadata.labels.app as string;
    return { name: d.metadata.name, app, labels: d.spec.template.metadata.labels, port: app === "redis" ? REDIS_PORT : SERVICES[app as "cart"].port, portNames, probes };
  });
}

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

/** The requests a party makes to a target: raw TCP for Redis, else a POST and a GET of an API path. */
const apiRequests = (t: Target) =>
  t.app === "redis" ? [undefined] : [{ method: "POST", path: "/payments" }, { method: "GET", path: "/products/1" }];
const scrapeRequest = { method: "GET", path: "/metrics" };

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

    it("allows every edge of the graph and denies every other ordered pair (table)", () => {
      const wrong: string[] = [];
      let allowed = 0;
      let denied = 0;
      const targets = shopPods(r);
      expect(targets.map((t) => t.name).sort()).to.deep.equal(
        ["gateway", "users", "orders", "catalog", "cart", "payment-v1", "payment-v2", "notifications", "redis"].sort(),
      );
      for (const from of parties(r)) {
        for (const to of targets) {
          if (from.name === to.name) continue;
          const edge = from.peer !== undefined && EDGES.has(`${from.peer}->${to.app}`);
          const scrape = edge && from.peer === "monitoring";
          for (const http of apiRequests(to)) {
            // A scrape edge grants GET /metrics and nothing else.
            const expected = edge && !scrape;
            const actual = mesh.allows(r, from, to, http);
            if (actual !== expected) wrong.push(`${from.name} -> ${to.name} ${http ? `${http.method} ${http.path}` : "tcp"}: expected ${expected ? "allowed" : "denied"}`);
            actual ? allowed++ : denied++;
          }
          if (to.app !== "redis") {
            // /metrics is Prometheus's alone: a caller of the API may not read it.
            const expected = scrape;
            if (mesh.allows(r, from, to, scrapeRequest) !== expected) wrong.push(`${from.name} -> ${to.name} GET /metrics: expected ${expected ? "allowed" : "denied"}`);
          }
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(allowed).to.be.greaterThan(20);
      expect(denied).to.be.greaterThan(150);
    });

    it("payment admits cart only; notifications admits cart and payment only", () => {
      const callers = (target: string) =>
        parties(r)
          .filter((p) => p.peer !== "monitoring" && mesh.allows(r, p, shopPods(r).find((t) => t.name === target)!, { method: "POST", path: "/x" }))
          .map((p) => p.name)
          .sort();
      expect(callers("payment-v1")).to.deep.equal(["cart"]);
      expect(callers("payment-v2")).to.deep.equal(["cart"]);
      expect(callers("notifications")).to.deep.equal(["cart", "payment-v1", "payment-v2"]);
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
    expect(payment.spec.rules[0]).to.deep.equal({
      from: [{ source: { principals: ["cluster.local/ns/meshmart/sa/cart"] } }],
      to: [{ operation: { ports: ["5003"], notPaths: ["/metrics"] } }],
    });
    const redis = istioObjects(r, "AuthorizationPolicy").find((p) => p.metadata.name === "redis")!;
    expect(redis.spec.rules).to.have.length(1);
    expect(redis.spec.rules[0].from[0].source.principals.sort()).to.deep.equal(
      ["cart", "notifications", "orders", "payment"].map((s) => `cluster.local/ns/meshmart/sa/${s}`),
    );
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

  it("attaches per-service routes to every service's Server: /metrics, the probes, and the API", () => {
    const routes = linkerdObjects(r).filter((o) => o.kind === "HTTPRoute" && o.spec.parentRefs.some((p: any) => p.kind === "Server"));
    for (const to of shopPods(r).filter((t) => t.app !== "redis")) {
      const names = routes.filter((o) => o.spec.parentRefs.some((p: any) => p.name === to.app)).map((o) => o.metadata.name).sort();
      expect(names, to.app).to.deep.equal([`${to.app}-api`, `${to.app}-metrics`, `${to.app}-probes`]);
    }
  });

  it("lets linkerd-viz's Prometheus scrape the proxies' admin port, and the kubelet probe it, nobody else", () => {
    const o = { objects: linkerdObjects(r), defaultPolicy: namespaceDefault(r) };
    const cart = linkerdPod(shopPods(r).find((t) => t.name === "cart")!);
    const viz = { namespace: "linkerd-viz", serviceAccount: "prometheus" };
    const req = (identity: typeof viz | undefined, path: string) => ({ identity, ip: "10.244.9.9", to: cart, port: 4191, http: { method: "GET", path } });
    expect(linkerdAllows(o, req(viz, "/metrics"))).to.equal(true);
    expect(linkerdAllows(o, req(viz, "/shutdown"))).to.equal(false);
    expect(linkerdAllows(o, req({ namespace: "monitoring", serviceAccount: "kps-prometheus" }, "/metrics"))).to.equal(false);
    expect(linkerdAllows(o, req(undefined, "/ready"))).to.equal(true);
    expect(linkerdAllows(o, req(undefined, "/metrics"))).to.equal(false);
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
