import { expect } from "chai";
import { hstsConfig, ingressNginxValues } from "./ingress-nginx";

/**
 * The chart's IngressClass (ingress-nginx chart 4.15.1 values.yaml,
 * `controller.ingressClassResource`: `enabled` creates the IngressClass the
 * shop's Ingresses name; `default` would make it every class-less Ingress's
 * in the cluster, which a shared cluster's other Ingresses must not get).
 */
describe("ingress-nginx's values (infra/platform/ingress-nginx.ts)", () => {
  it("creates its own IngressClass, never the cluster's default", () => {
    const values = ingressNginxValues({ namespace: "ingress-nginx", className: "meshmart-nginx", serviceType: "NodePort", nodePort: 30080 }) as any;
    expect(values.controller.ingressClassResource).to.deep.equal({ name: "meshmart-nginx", enabled: true, default: false });
    expect(values.controller.ingressClass).to.equal("meshmart-nginx");
  });

  // The controller's ConfigMap keys at v1.15.1 (docs/upstream.md: hsts, hsts-max-age, hsts-include-subdomains,
  // default true / 31536000 / true): a year, and never the subdomains, which the shop does not own.
  it("sends HSTS for a year, not for subdomains, only with TLS", () => {
    expect(hstsConfig(true)).to.deep.equal({ hsts: "true", "hsts-max-age": "31536000", "hsts-include-subdomains": "false" });
    expect(hstsConfig(false)).to.deep.equal({ hsts: "false" });
  });
});
