import { expect } from "chai";
import { parseConfig, type Key } from "./config";
import { grafanaPortForward, ingressUrl, prometheusPortForward } from "./outputs";

const config = (values: Partial<Record<Key, string>>) => parseConfig((k) => values[k], "dev");

describe("stack outputs (stacks/outputs.ts)", () => {
  it("gives the shop's URL for each ingress Service type, https by default", () => {
    expect(ingressUrl(config({}))).to.equal("https://localhost:30443/");
    expect(ingressUrl(config({ ingressHost: "shop.test", ingressHttpsNodePort: "31443" }))).to.equal("https://shop.test:31443/");
    expect(ingressUrl(config({ ingressServiceType: "LoadBalancer" }))).to.equal(
      "https://<EXTERNAL-IP of: kubectl -n ingress-nginx get svc ingress-nginx-controller>/",
    );
    expect(ingressUrl(config({ ingressServiceType: "ClusterIP" }))).to.equal(
      "https://localhost:8443/ (after: kubectl -n ingress-nginx port-forward svc/ingress-nginx-controller 8443:443)",
    );
    expect(ingressUrl(config({ edgeTls: "cert-manager", ingressServiceType: "LoadBalancer", ingressHost: "shop.test" }))).to.equal("https://shop.test/");
  });
  it("gives plain http URLs with the edge's TLS off", () => {
    const off = (values: Partial<Record<Key, string>>) => ingressUrl(config({ edgeTls: "off", ...values }));
    expect(off({})).to.equal("http://localhost:30080/");
    expect(off({ ingressHost: "shop.test", ingressNodePort: "31000" })).to.equal("http://shop.test:31000/");
    expect(off({ ingressServiceType: "ClusterIP" })).to.equal("http://localhost:8080/ (after: kubectl -n ingress-nginx port-forward svc/ingress-nginx-controller 8080:80)");
  });
  it("uses the balancer's address once known (MetalLB), in brackets when IPv6, unless a host is set", () => {
    const lb = { ingressServiceType: "LoadBalancer", loadBalancer: "metallb", loadBalancerAddresses: "172.18.255.200/29" } as const;
    expect(ingressUrl(config(lb), "172.18.255.200")).to.equal("https://172.18.255.200/");
    expect(ingressUrl(config({ ...lb, edgeTls: "off" }), "172.18.255.200")).to.equal("http://172.18.255.200/");
    expect(ingressUrl(config(lb), "fc00::5")).to.equal("https://[fc00::5]/");
    expect(ingressUrl(config({ ...lb, ingressHost: "shop.test" }), "172.18.255.200")).to.equal("https://shop.test/");
  });
  it("port-forwards to the chart's Grafana and Prometheus Services in the monitoring namespace", () => {
    expect(grafanaPortForward(config({ monitoringNamespace: "obs" }))).to.match(/^kubectl -n obs port-forward svc\/grafana 3000:80 /);
    expect(prometheusPortForward(config({}))).to.match(/^kubectl -n monitoring port-forward svc\/kps-prometheus 9090:9090 /);
  });
});
