import { expect } from "chai";
import { authzEdges } from "../../authz/graph";
import { SERVICE_NAMES } from "../../../services/topology";
import type { MeshPeers } from "../mesh-identities";
import { meshTlsSpec, serverSpec, targetPolicies } from "./linkerd-policy-spec";

const peers = (monitoring: boolean): MeshPeers => ({
  namespace: "shop",
  serviceAccounts: Object.fromEntries([...SERVICE_NAMES, "redis"].map((name) => [name, name])) as MeshPeers["serviceAccounts"],
  ingress: { namespace: "ingress-nginx", serviceAccount: "ingress-nginx" },
  monitoring: monitoring ? { namespace: "monitoring", serviceAccount: "kps-prometheus" } : undefined,
});

describe("Linkerd policy specs (infra/mesh/linkerd/linkerd-policy-spec.ts)", () => {
  it("serves HTTP/1 on the services' named port and Redis opaque, denying by default", () => {
    expect(serverSpec("cart")).to.deep.equal({ podSelector: { matchLabels: { app: "cart" } }, port: "http", proxyProtocol: "HTTP/1", accessPolicy: "deny" });
    expect(serverSpec("redis")).to.include({ port: "redis", proxyProtocol: "opaque" });
  });
  it("admits, per operation, exactly the callers the graph grants it, across namespaces; Prometheus for /metrics only", () => {
    const objects = targetPolicies(authzEdges(), peers(true));
    const identities = (name: string) => (objects.find((o) => o.kind === "MeshTLSAuthentication" && o.name === name)!.spec as any).identityRefs;
    expect(identities("notifications-post-notifications")).to.deep.equal([
      { kind: "ServiceAccount", name: "cart", namespace: "shop" },
      { kind: "ServiceAccount", name: "payment", namespace: "shop" },
    ]);
    expect(identities("orders-get-orders")).to.deep.equal([
      { kind: "ServiceAccount", name: "cart", namespace: "shop" },
      { kind: "ServiceAccount", name: "gateway", namespace: "shop" },
    ]);
    expect(identities("orders-post-orders")).to.deep.equal([{ kind: "ServiceAccount", name: "cart", namespace: "shop" }]);
    expect(identities("gateway-get-root")).to.deep.equal([{ kind: "ServiceAccount", name: "ingress-nginx", namespace: "ingress-nginx" }]);
    expect(identities("prometheus")).to.deep.equal([{ kind: "ServiceAccount", name: "kps-prometheus", namespace: "monitoring" }]);
    const metrics = objects.find((o) => o.kind === "AuthorizationPolicy" && o.name === "catalog-metrics")!;
    expect(metrics.spec).to.deep.equal({
      targetRef: { group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "catalog-metrics" },
      requiredAuthenticationRefs: [{ group: "policy.linkerd.io", kind: "MeshTLSAuthentication", name: "prometheus" }],
    });
    const withoutMonitoring = targetPolicies(authzEdges(), peers(false));
    expect(JSON.stringify(withoutMonitoring)).not.to.contain("kps-prometheus");
    expect(withoutMonitoring.filter((o) => o.kind === "AuthorizationPolicy" && o.name.endsWith("-metrics"))).to.deep.equal([]);
  });
  it("attaches the probe route with the probe paths the workloads use, authorized from the probe networks", () => {
    const probes = targetPolicies(authzEdges(), peers(true)).find((o) => o.kind === "HTTPRoute" && o.name === "cart-probes")!;
    expect(probes.spec).to.deep.equal({
      parentRefs: [{ group: "policy.linkerd.io", kind: "Server", name: "cart" }],
      rules: [{ matches: [{ path: { type: "Exact", value: "/healthz" }, method: "GET" }, { path: { type: "Exact", value: "/readyz" }, method: "GET" }] }],
    });
  });
  it("refuses an empty authentication (the CRD requires one identity)", () => {
    expect(() => meshTlsSpec([])).to.throw("at least one identity");
  });
});
