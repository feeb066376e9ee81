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

  it("takes the load generator with the program's certificate, and refuses it with cert-manager's, whichever the edge", () => {
    for (const edge of ["ingress-nginx", "gateway-api"]) {
      expect(parseConfig(from({ mesh: "linkerd", edge, loadGenerator: "true" }), "dev", "x64").loadGenerator.enabled, edge).to.equal(true);
      expect(() => parseConfig(from({ mesh: "linkerd", edge, edgeTls: "cert-manager", loadGenerator: "true" }), "dev", "x64"), edge).to.throw("meshmart:loadGenerator needs meshmart:edgeTls self-signed or off");
    }
  });
});
