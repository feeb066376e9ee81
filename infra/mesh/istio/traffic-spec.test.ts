import { expect } from "chai";
import { SERVICE_NAMES } from "../../../services/topology";
import { canarySplit, meshTimeouts } from "../route-numbers";
import { destinationRuleSpec, duration, trafficSpecs, virtualServiceSpec } from "./traffic-spec";

const T = meshTimeouts(2000);

describe("Istio traffic specs (infra/mesh/istio/traffic-spec.ts)", () => {
  it("writes protobuf durations", () => {
    expect(duration(1800)).to.equal("1.8s");
    expect(duration(600)).to.equal("0.6s");
    expect(duration(2000)).to.equal("2s");
  });
  it("gives every service mutual TLS, a connection pool and outlier detection; payment a subset per version", () => {
    for (const s of SERVICE_NAMES) {
      const dr = destinationRuleSpec(s, "shop") as any;
      expect(dr.host).to.equal(`${s}.shop.svc.cluster.local`);
      expect(dr.trafficPolicy.tls).to.deep.equal({ mode: "ISTIO_MUTUAL" });
      expect(dr.trafficPolicy.connectionPool.tcp.maxConnections).to.be.a("number");
      expect(dr.trafficPolicy.connectionPool.http.http1MaxPendingRequests).to.be.a("number");
      expect(dr.trafficPolicy.outlierDetection).to.include({ maxEjectionPercent: 50 });
      expect(dr.subsets).to.deep.equal(s === "payment" ? [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }] : undefined);
    }
  });
  it("times out every route, retries GET only, and never retries other methods", () => {
    const vs = virtualServiceSpec("catalog", "shop", T) as any;
    expect(vs.hosts).to.deep.equal(["catalog.shop.svc.cluster.local"]);
    const [get, other] = vs.http;
    expect(get.match).to.deep.equal([{ method: { exact: "GET" } }]);
    expect(get.retries).to.deep.equal({ attempts: 2, perTryTimeout: "0.6s", retryOn: "connect-failure,refused-stream,reset,5xx" });
    expect(other.match).to.equal(undefined);
    expect(other.retries).to.deep.equal({ attempts: 0 });
    for (const route of vs.http) expect(route.timeout).to.equal("1.8s");
    expect(get.route).to.deep.equal([{ destination: { host: "catalog.shop.svc.cluster.local" } }]);
  });
  it("ejects a leaf on its 5xx, a middle tier only on its own (local-origin) failures, never on the 5xx it relays", () => {
    for (const s of ["users", "catalog", "notifications"] as const) {
      const od = (destinationRuleSpec(s, "shop") as any).trafficPolicy.outlierDetection;
      expect(od, s).to.deep.equal({ consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 });
    }
    for (const s of ["gateway", "orders", "cart", "payment"] as const) {
      const od = (destinationRuleSpec(s, "shop") as any).trafficPolicy.outlierDetection;
      expect(od, s).to.deep.equal({
        splitExternalLocalOriginErrors: true,
        consecutiveLocalOriginFailures: 5,
        consecutive5xxErrors: 0,
        consecutiveGatewayErrors: 0,
        interval: "10s",
        baseEjectionTime: "30s",
        maxEjectionPercent: 50,
      });
    }
  });
  it("sizes the gateway's pool for the edge's traffic, above every other service's", () => {
    const pool = (s: (typeof SERVICE_NAMES)[number]) => (destinationRuleSpec(s, "shop") as any).trafficPolicy.connectionPool;
    for (const s of SERVICE_NAMES.filter((x) => x !== "gateway")) {
      expect(pool("gateway").tcp.maxConnections, s).to.be.greaterThan(pool(s).tcp.maxConnections);
      expect(pool("gateway").http.http1MaxPendingRequests, s).to.be.greaterThan(pool(s).http.http1MaxPendingRequests);
    }
  });
  it("retries GETs only on routes to leaves, and times each service's routes by what it waits on", () => {
    const http = (s: (typeof SERVICE_NAMES)[number]) => (virtualServiceSpec(s, "shop", T) as any).http;
    for (const s of ["orders", "cart", "gateway", "payment"] as const) for (const route of http(s)) expect(route.retries, s).to.deep.equal({ attempts: 0 });
    expect(http("users")[0].retries).to.deep.equal({ attempts: 2, perTryTimeout: "0.6s", retryOn: "connect-failure,refused-stream,reset,5xx" });
    const timeouts = Object.fromEntries(SERVICE_NAMES.map((s) => [s, http(s)[0].timeout]));
    expect(timeouts).to.include({ gateway: "7.6s", users: "1.8s", orders: "2.4s", catalog: "1.8s", cart: "7s", payment: "1.8s", notifications: "1.8s" });
  });
  it("splits payment's routes over the subsets by the configured weight", () => {
    for (const weight of [0, 5, 50, 100]) {
      const { virtualServices } = trafficSpecs("shop", T, canarySplit(weight));
      const payment = virtualServices.find((v) => v.name === "payment")!.spec as any;
      for (const route of payment.http) {
        const weights = Object.fromEntries(route.route.map((d: any) => [d.destination.subset, d.weight]));
        expect(weights).to.deep.equal(Object.fromEntries(canarySplit(weight).map((s) => [s.version, s.weight])));
      }
      const cart = virtualServices.find((v) => v.name === "cart")!.spec as any;
      expect(cart.http[0].route[0].destination).to.deep.equal({ host: "cart.shop.svc.cluster.local" });
    }
  });
});
