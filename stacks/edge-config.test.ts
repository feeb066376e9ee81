import { expect } from "chai";
import { parseConfig, type Key } from "./config";

const from = (values: Partial<Record<Key, string>>) => (key: Key) => values[key];

describe("meshmart:edge (stacks/config.ts)", () => {
  it("is ingress-nginx unless set, as the product card says", () => {
    for (const mesh of ["none", "istio", "linkerd"]) expect(parseConfig(from({ mesh }), "dev", "x64").edge, mesh).to.equal("ingress-nginx");
  });

  it("takes gateway-api in every stack, with every edge setting", () => {
    for (const mesh of ["none", "istio", "linkerd"]) {
      const c = parseConfig(from({ mesh, edge: "gateway-api", edgeTls: "cert-manager", ingressServiceType: "LoadBalancer", ingressHost: "shop.example.test" }), "dev", "x64");
      expect(c.edge, mesh).to.equal("gateway-api");
      expect(c.ingress).to.deep.include({ tls: "cert-manager", serviceType: "LoadBalancer", host: "shop.example.test" });
      expect(parseConfig(from({ mesh, edge: "gateway-api", edgeTls: "off", loadGenerator: "true" }), "dev", "x64").loadGenerator.enabled).to.equal(true);
    }
  });

  it("refuses an unknown edge, naming the key", () => {
    expect(() => parseConfig(from({ edge: "traefik" }), "dev", "x64")).to.throw('meshmart:edge must be one of ingress-nginx, gateway-api; got "traefik"');
  });

  it("still refuses the load generator with TLS on, whichever the edge (it speaks plain HTTP to port 80)", () => {
    expect(() => parseConfig(from({ mesh: "linkerd", edge: "gateway-api", loadGenerator: "true" }), "dev", "x64")).to.throw("meshmart:loadGenerator needs meshmart:edgeTls off");
  });
});
