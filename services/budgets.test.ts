import { expect } from "chai";
import { hopMarginMs, isLeaf, retriesToward, timeBudgets, WAITS } from "./budgets";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "./topology";

/** The longest a request to `service` waits on its upstreams: its steps one after another, each as slow as its slowest call. */
function waited(service: ServiceName, callMs: Readonly<Record<ServiceName, number>>): number {
  return WAITS[service].reduce((sum, step) => sum + Math.max(...step.map((u) => callMs[u])), 0);
}

describe("time budgets and retry placement (services/budgets.ts)", () => {
  it("derives the leaves from the topology: the services that call nobody", () => {
    expect(SERVICE_NAMES.filter((s) => isLeaf(s))).to.include.members(["users", "catalog", "notifications"]);
    for (const s of ["orders", "cart", "payment", "gateway"] as const) expect(isLeaf(s), s).to.equal(false);
    for (const s of SERVICE_NAMES) expect(isLeaf(s), s).to.equal(SERVICES[s].calls.length === 0);
  });

  it("retries only toward a leaf, never beyond the configured count", () => {
    expect(retriesToward("users", 1)).to.equal(1);
    expect(retriesToward("catalog", 2)).to.equal(2);
    for (const s of ["orders", "cart", "payment", "gateway"] as const) expect(retriesToward(s, 1), s).to.equal(0);
  });

  it("waits only on services the topology lets it call", () => {
    for (const s of SERVICE_NAMES) for (const step of WAITS[s]) for (const u of step) expect(SERVICES[s].calls, `${s} waits on ${u}`).to.include(u);
    expect(WAITS.cart, "checkout: catalog lookups at once, then payment, then orders; notifications in the background").to.deep.equal([["catalog"], ["payment"], ["orders"]]);
  });

  it("nests every timeout: a caller waits longer than its upstream may take, the mesh's route sits in between", () => {
    for (const leafMs of [100, 1000, 2000, 3000, 60000]) {
      const b = timeBudgets(leafMs);
      const m = hopMarginMs(leafMs);
      for (const s of SERVICE_NAMES) {
        expect(b.requestMs[s], `${s} @${leafMs}`).to.be.at.least(waited(s, b.callMs) + m);
        expect(b.routeMs[s], `${s} @${leafMs}`).to.equal(b.requestMs[s] + m);
        expect(b.callMs[s], `${s} @${leafMs}`).to.equal(b.routeMs[s] + m);
        if (WAITS[s].length === 0) expect(b.callMs[s], `${s} waits on nobody: the leaf budget`).to.equal(leafMs);
      }
      expect(b.edgeMs).to.be.at.least(b.callMs.gateway);
    }
  });

  it("gives checkout the sum of what it waits on, and the gateway and the edge more", () => {
    const b = timeBudgets(2000);
    expect(b.callMs).to.include({ gateway: 7800, users: 2000, orders: 2600, catalog: 2000, cart: 7200, payment: 2000, notifications: 2000 });
    expect(b.requestMs.cart).to.equal(2000 + 2000 + 2600 + 200);
    expect(b.edgeMs).to.equal(8000);
  });

  it("refuses a leaf budget too small to nest", () => {
    expect(() => timeBudgets(50)).to.throw("at least 100 ms");
    expect(() => timeBudgets(1500.5)).to.throw("at least 100 ms");
  });
});
