import { expect } from "chai";
import { SERVICE_NAMES } from "../../../services/topology";
import { canarySplit, meshTimeouts } from "../route-numbers";
import { allServiceRoutes, canaryBackends, duration, serviceRoutes } from "./http-route-spec";

const T = meshTimeouts(2000);
/** What Linkerd's policy controller accepts (outbound/index.rs parse_duration, edge-26.8.3). */
const LINKERD_DURATION = /^(0|[0-9]+(ms|s|m|h|d))$/;

describe("Linkerd routes (infra/mesh/linkerd/http-route-spec.ts)", () => {
  it("writes durations Linkerd parses: whole numbers with a unit", () => {
    expect(duration(1800)).to.equal("1800ms");
    expect(() => duration(1.5)).to.throw("not a whole number");
  });
  it("gives each service a retried GET route and an unretried route for the rest, both timed out", () => {
    const [get, other] = serviceRoutes("catalog", T);
    expect(get!.name).to.equal("catalog-get");
    expect(get!.annotations).to.deep.equal({
      "timeout.linkerd.io/request": "1800ms",
      "retry.linkerd.io/http": "5xx",
      "retry.linkerd.io/limit": "2",
      "retry.linkerd.io/timeout": "600ms",
    });
    expect(other!.name).to.equal("catalog");
    expect(other!.annotations).to.deep.equal({ "timeout.linkerd.io/request": "1800ms" });
    for (const r of [get!, other!]) {
      for (const [k, v] of Object.entries(r.annotations)) if (/timeout/.test(k)) expect(v).to.match(LINKERD_DURATION);
      expect((r.spec as any).parentRefs).to.deep.equal([{ group: "core", kind: "Service", name: "catalog", port: 5001 }]);
    }
    expect((get!.spec as any).rules[0].matches).to.deep.equal([{ path: { type: "PathPrefix", value: "/" }, method: "GET" }]);
    expect((other!.spec as any).rules[0].matches).to.deep.equal([{ path: { type: "PathPrefix", value: "/" } }]);
    expect((other!.spec as any).rules[0].backendRefs).to.deep.equal([{ name: "catalog", port: 5001 }]);
  });
  it("retries GETs only on routes to leaves; each service's routes time out by what it waits on", () => {
    for (const s of ["gateway", "orders", "cart", "payment"] as const) {
      for (const r of serviceRoutes(s, T)) expect(Object.keys(r.annotations).filter((k) => k.startsWith("retry.linkerd.io/")), r.name).to.deep.equal([]);
    }
    expect(serviceRoutes("users", T)[0]!.annotations).to.include({ "retry.linkerd.io/limit": "2", "retry.linkerd.io/timeout": "600ms" });
    expect(serviceRoutes("orders", T)[0]!.annotations).to.deep.equal({ "timeout.linkerd.io/request": "2400ms" });
    expect(serviceRoutes("cart", T)[1]!.annotations).to.deep.equal({ "timeout.linkerd.io/request": "7000ms" });
    expect(serviceRoutes("gateway", T)[0]!.annotations).to.deep.equal({ "timeout.linkerd.io/request": "7600ms" });
  });
  it("weights payment's backends across its version Services, on both routes", () => {
    const backends = canaryBackends(canarySplit(5), { v1: "payment-v1", v2: "payment-v2" });
    const routes = allServiceRoutes(T, backends).filter((r) => r.name.startsWith("payment"));
    expect(routes.map((r) => r.name)).to.deep.equal(["payment-get", "payment"]);
    for (const r of routes) {
      expect((r.spec as any).rules[0].backendRefs).to.deep.equal([
        { name: "payment-v1", port: 5003, weight: 95 },
        { name: "payment-v2", port: 5003, weight: 5 },
      ]);
    }
    expect(allServiceRoutes(T, backends)).to.have.length(SERVICE_NAMES.length * 2);
    // Every other service's routes forward to that service alone, on the port the route is attached to.
    for (const r of allServiceRoutes(T, backends).filter((x) => !x.name.startsWith("payment"))) {
      const [parent] = (r.spec as any).parentRefs;
      expect((r.spec as any).rules[0].backendRefs, r.name).to.deep.equal([{ name: parent.name, port: parent.port }]);
    }
    expect(() => canaryBackends(canarySplit(5), { v1: "payment-v1" })).to.throw("no Service for version v2");
  });
});
