import { expect } from "chai";
import { CALL_OPERATIONS, SERVICE_NAMES, SERVICES } from "../../services/topology";
import { INTENDED_CALLS, INTENDED_PORTS } from "../../test/infra/fixtures/intended-graph";
import { allowedCallers, allowedTargets, authzEdges, type Topology } from "./graph";

const key = (e: { from: string; to: string }) => `${e.from}->${e.to}`;

describe("authorization graph (infra/authz/graph.ts)", () => {
  it("is exactly the authorization graph of docs/architecture.md", () => {
    expect(authzEdges().map(key).sort()).to.deep.equal([...INTENDED_CALLS, ...SERVICE_NAMES.map((s) => `monitoring->${s}`)].sort());
  });

  it("admits payment from cart alone and notifications from cart and payment alone (besides scrapes)", () => {
    expect(allowedCallers("payment").filter((p) => p !== "monitoring")).to.deep.equal(["cart"]);
    expect(allowedCallers("notifications").filter((p) => p !== "monitoring").sort()).to.deep.equal(["cart", "payment"]);
    expect(allowedCallers("redis").sort()).to.deep.equal(INTENDED_CALLS.filter((e) => e.endsWith("->redis")).map((e) => e.split("->")[0]).sort());
    expect(allowedTargets("users")).to.deep.equal([]);
  });

  it("follows the topology it is given (derived, not a second copy)", () => {
    const changed: Topology = { ...SERVICES, users: { ...SERVICES.users, calls: ["catalog"], redis: { keys: ["users:*"], commands: ["get"] } } };
    const ops = { ...CALL_OPERATIONS, users: { catalog: [{ method: "GET", path: "/products", match: "prefix" }] } } as const;
    const edges = authzEdges(changed, ops).map(key);
    expect(edges).to.include.members(["users->catalog", "users->redis"]);
    expect(authzEdges().map(key)).not.to.include("users->catalog");
  });

  it("says for every call edge what the caller may ask, and refuses a call edge without operations", () => {
    const ops = (from: string, to: string) => authzEdges().find((e) => e.from === from && e.to === to)!.operations;
    expect(ops("cart", "payment")).to.deep.equal([{ method: "POST", path: "/payments", match: "exact" }]);
    expect(ops("gateway", "orders")).to.deep.equal([{ method: "GET", path: "/orders", match: "prefix" }]);
    expect(ops("cart", "orders")!.map((o) => o.method).sort()).to.deep.equal(["GET", "POST"]);
    expect(ops("monitoring", "users")).to.deep.equal([
      { method: "GET", path: "/metrics", match: "exact" },
      { method: "HEAD", path: "/metrics", match: "exact" },
    ]);
    expect(ops("cart", "redis")).to.equal(undefined);
    expect(ops("monitoring", "redis")).to.deep.equal(ops("monitoring", "users"));
    // CALL_OPERATIONS has an entry for exactly the topology's calls.
    for (const name of SERVICE_NAMES) expect(Object.keys(CALL_OPERATIONS[name]).sort(), name).to.deep.equal([...SERVICES[name].calls].sort());
    const changed: Topology = { ...SERVICES, users: { ...SERVICES.users, calls: ["catalog"] } };
    expect(() => authzEdges(changed)).to.throw("users calls catalog but CALL_OPERATIONS says nothing");
  });

  it("reaches a target on another port only where the intent says so: Prometheus at Redis's exporter", () => {
    const ported = Object.fromEntries(authzEdges().filter((e) => e.port !== undefined).map((e) => [key(e), e.port]));
    expect(ported).to.deep.equal(INTENDED_PORTS);
    // No service keeps state in Redis: no exporter to scrape, no edge to it at all.
    const stateless = Object.fromEntries(SERVICE_NAMES.map((s) => [s, { ...SERVICES[s], redis: false }])) as unknown as Topology;
    expect(authzEdges(stateless).filter((e) => e.to === "redis")).to.deep.equal([]);
  });

  it("labels each edge with its kind", () => {
    const kinds = Object.fromEntries(authzEdges().map((e) => [key(e), e.kind]));
    expect(kinds).to.include({ "ingress->gateway": "ingress", "cart->payment": "call", "cart->redis": "redis", "monitoring->cart": "scrape", "monitoring->redis": "scrape" });
  });

  it("with the load generator: one shopper edge to the edge, asking what a shopper may; nothing reaches it", () => {
    const on = authzEdges(SERVICES, CALL_OPERATIONS, { loadGenerator: true });
    const added = on.filter((e) => !authzEdges().some((b) => key(b) === key(e)));
    expect(added.map((e) => `${key(e)} ${e.kind}`)).to.deep.equal(["load-generator->ingress shopper"]);
    expect(added[0]!.operations).to.deep.equal(on.find((e) => e.from === "ingress" && e.to === "gateway")!.operations);
    expect(allowedTargets("load-generator", on)).to.deep.equal(["ingress"]);
    expect(on.filter((e) => (e.to as string) === "load-generator")).to.deep.equal([]);
    expect(allowedTargets("load-generator")).to.deep.equal([]);
  });
});
