import { expect } from "chai";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import { allowedCallers, allowedTargets, authzEdges, type Topology } from "./graph";

const key = (e: { from: string; to: string }) => `${e.from}->${e.to}`;

describe("authorization graph (infra/authz/graph.ts)", () => {
  it("is exactly the authorization graph of docs/architecture.md", () => {
    expect(authzEdges().map(key).sort()).to.deep.equal(
      [
        "ingress->gateway",
        "gateway->catalog", "gateway->cart", "gateway->orders", "gateway->users",
        "cart->catalog", "cart->payment", "cart->orders", "cart->notifications",
        "payment->notifications",
        "orders->users",
        "cart->redis", "orders->redis", "payment->redis", "notifications->redis",
        ...SERVICE_NAMES.map((s) => `monitoring->${s}`),
      ].sort(),
    );
  });

  it("admits payment from cart alone and notifications from cart and payment alone (besides scrapes)", () => {
    expect(allowedCallers("payment").filter((p) => p !== "monitoring")).to.deep.equal(["cart"]);
    expect(allowedCallers("notifications").filter((p) => p !== "monitoring").sort()).to.deep.equal(["cart", "payment"]);
    expect(allowedCallers("redis").sort()).to.deep.equal(["cart", "notifications", "orders", "payment"]);
    expect(allowedTargets("users")).to.deep.equal([]);
  });

  it("follows the topology it is given (derived, not a second copy)", () => {
    const changed: Topology = { ...SERVICES, users: { ...SERVICES.users, calls: ["catalog"], redis: true } };
    const edges = authzEdges(changed).map(key);
    expect(edges).to.include.members(["users->catalog", "users->redis"]);
    expect(authzEdges().map(key)).not.to.include("users->catalog");
  });

  it("labels each edge with its kind", () => {
    const kinds = Object.fromEntries(authzEdges().map((e) => [key(e), e.kind]));
    expect(kinds).to.include({ "ingress->gateway": "ingress", "cart->payment": "call", "cart->redis": "redis", "monitoring->cart": "scrape" });
  });
});
