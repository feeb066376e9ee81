import { expect } from "chai";
import { SERVICE_NAMES } from "../../../services/topology";
import { canarySplit, meshTimeouts } from "../routing";
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
      expect(dr.trafficPolicy.outlierDetection).to.include({ consecutive5xxErrors: 5, maxEjectionPercent: 50 });
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
