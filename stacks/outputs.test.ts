import { expect } from "chai";
import { parseConfig, type Key } from "./config";
import { grafanaPortForward, ingressUrl, prometheusPortForward } from "./outputs";

const config = (values: Partial<Record<Key, string>>) => parseConfig((k) => values[k], "dev");

describe("stack outputs (stacks/outputs.ts)", () => {
  it("gives the shop's URL for each ingress Service type", () => {
    expect(ingressUrl(config({}))).to.equal("http://localhost:30080/");
    expect(ingressUrl(config({ ingressHost: "shop.test", ingressNodePort: "31000" }))).to.equal("http://shop.test:31000/");
    expect(ingressUrl(config({ ingressServiceType: "LoadBalancer" }))).to.equal(
      "http://<EXTERNAL-IP of: kubectl -n ingress-nginx get svc ingress-nginx-controller>/",
    );
    expect(ingressUrl(config({ ingressServiceType: "ClusterIP" }))).to.equal(
      "http://localhost:8080/ (after: kubectl -n ingress-nginx port-forward svc/ingress-nginx-controller 8080:80)",
    );
  });
  it("port-forwards to the chart's Grafana and Prometheus Services in the monitoring namespace", () => {
    expect(grafanaPortForward(config({ monitoringNamespace: "obs" }))).to.match(/^kubectl -n obs port-forward svc\/grafana 3000:80 /);
    expect(prometheusPortForward(config({}))).to.match(/^kubectl -n monitoring port-forward svc\/kps-prometheus 9090:9090 /);
  });
});
