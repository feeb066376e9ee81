/**
 * The NetworkPolicies the mesh stacks keep under the mesh (defense in depth),
 * evaluated with the NetworkPolicy evaluator: the namespace's boundary holds
 * (nothing in from other namespaces but the ingress controller and the
 * scrapers, nothing out but DNS and the control plane), and everything the
 * mesh itself needs passes (in-namespace traffic, control-plane ports, the
 * proxies' ports).
 */
import { expect } from "chai";
import { INGRESS_NGINX_CONTROLLER_POD_LABELS, PROMETHEUS_POD_LABELS_UPSTREAM } from "./fixtures/upstream";
import { allowed, type Pod, type Policy } from "./support/netpol";
import { objects, run } from "./support/stacks";

const NS = "meshmart";
const MESHES = {
  istio: { controlPlane: { namespace: "istio-system", labels: { app: "istiod" }, ports: [15012] }, proxyPorts: [15090] },
  linkerd: { controlPlane: { namespace: "linkerd", labels: { "linkerd.io/control-plane-component": "destination" }, ports: [8080, 8086, 8090] }, proxyPorts: [4143, 4190, 4191] },
} as const;

for (const [stack, mesh] of Object.entries(MESHES)) {
  describe(`the ${stack} stack's namespace boundary (NetworkPolicies under the mesh)`, function () {
    this.timeout(180_000);
    let policies: Policy[];
    const pod = (name: string, namespace: string, labels: Record<string, string>): Pod => ({ name, namespace, labels });
    const cart = pod("cart", NS, { app: "cart", version: "v1" });
    const gateway = pod("gateway", NS, { app: "gateway", version: "v1" });
    const redis = pod("redis", NS, { app: "redis", version: "v1" });
    const outsider = pod("outsider", "default", { app: "cart", version: "v1" });
    const internet = pod("internet", "elsewhere", { app: "web" });
    const controlPlane = pod("control-plane", mesh.controlPlane.namespace, mesh.controlPlane.labels);
    // Third-party pods with the labels upstream gives them (fixtures/upstream.ts).
    const ingress = pod("ingress", "ingress-nginx", { ...INGRESS_NGINX_CONTROLLER_POD_LABELS });
    const prometheus = pod("prometheus", "monitoring", { ...PROMETHEUS_POD_LABELS_UPSTREAM });
    const dns = pod("coredns", "kube-system", { "k8s-app": "kube-dns" });
    before(async () => {
      policies = objects(await run(stack as "istio"), "NetworkPolicy");
    });

    it("denies by default both ways, and lets the namespace talk within itself (the mesh decides who may)", () => {
      expect(policies.find((p) => p.metadata.name === "default-deny")!.spec).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      expect(allowed(policies, cart, redis, 6379)).to.equal(true);
      expect(allowed(policies, cart, gateway, 4143)).to.equal(true);
    });

    it("keeps other namespaces out, except the ingress controller to the gateway and the scrapers", () => {
      expect(allowed(policies, outsider, cart, 5002)).to.equal(false);
      expect(allowed(policies, outsider, redis, 6379)).to.equal(false);
      expect(allowed(policies, ingress, gateway, 5000)).to.equal(true);
      expect(allowed(policies, ingress, cart, 5002)).to.equal(false);
      expect(allowed(policies, prometheus, cart, 5002)).to.equal(true);
      expect(allowed(policies, prometheus, cart, 22)).to.equal(false);
      // Redis's exporter sidecar (redis_exporter's default port 9121): the scrapers only.
      expect(allowed(policies, prometheus, redis, 9121)).to.equal(true);
      expect(allowed(policies, outsider, redis, 9121)).to.equal(false);
      expect(allowed(policies, ingress, redis, 9121)).to.equal(false);
      for (const port of mesh.proxyPorts) {
        expect(allowed(policies, prometheus, cart, port), `scrape ${port}`).to.equal(true);
        expect(allowed(policies, ingress, gateway, port), `ingress ${port}`).to.equal(true);
        expect(allowed(policies, outsider, cart, port), `outsider ${port}`).to.equal(false);
      }
    });

    it("lets pods out only to DNS and the control plane's ports", () => {
      expect(allowed(policies, cart, dns, 53, "UDP")).to.equal(true);
      for (const port of mesh.controlPlane.ports) expect(allowed(policies, cart, controlPlane, port), String(port)).to.equal(true);
      expect(allowed(policies, cart, controlPlane, 443)).to.equal(false);
      expect(allowed(policies, cart, internet, 443)).to.equal(false);
      expect(allowed(policies, cart, prometheus, 9090)).to.equal(false);
    });
  });
}

describe("the linkerd stack's boundary admits linkerd-viz", function () {
  this.timeout(180_000);
  it("lets viz's Prometheus reach the proxies' admin port and tap their control port, nothing else", async () => {
    const policies = objects(await run("linkerd"), "NetworkPolicy");
    const cart: Pod = { name: "cart", namespace: NS, labels: { app: "cart" } };
    const vizPrometheus: Pod = { name: "prometheus", namespace: "linkerd-viz", labels: { "linkerd.io/extension": "viz", component: "prometheus" } };
    const vizWeb: Pod = { name: "web", namespace: "linkerd-viz", labels: { "linkerd.io/extension": "viz", component: "web" } };
    expect(allowed(policies, vizPrometheus, cart, 4191)).to.equal(true);
    expect(allowed(policies, vizWeb, cart, 4191)).to.equal(false);
  });
});
