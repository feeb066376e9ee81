import { expect } from "chai";
import { authzEdges } from "../../authz/graph";
import type { MeshPeers } from "../peers";
import { meshTlsSpec, serverSpec, targetPolicies, targetPolicyHeaders } from "./policy-spec";

const peers = (monitoring: boolean): MeshPeers => ({
  namespace: "shop",
  serviceAccounts: { gateway: "gateway", users: "users", orders: "orders", catalog: "catalog", cart: "cart", payment: "payment", notifications: "notifications", redis: "redis" },
  ingress: { namespace: "ingress-nginx", serviceAccount: "ingress-nginx" },
  monitoring: monitoring ? { namespace: "monitoring", serviceAccount: "kps-prometheus" } : undefined,
});

describe("Linkerd policy specs (infra/mesh/linkerd/policy-spec.ts)", () => {
  it("serves HTTP/1 on the services' named port and Redis opaque, denying by default", () => {
    expect(serverSpec("cart")).to.deep.equal({ podSelector: { matchLabels: { app: "cart" } }, port: "http", proxyProtocol: "HTTP/1", accessPolicy: "deny" });
    expect(serverSpec("redis")).to.include({ port: "redis", proxyProtocol: "opaque" });
  });
  it("names exactly the callers of each target, across namespaces", () => {
    const objects = targetPolicies(authzEdges(), peers(true));
    const notifications = objects.find((o) => o.kind === "MeshTLSAuthentication" && o.name === "notifications-callers")!;
    expect((notifications.spec as any).identityRefs).to.deep.equal([
      { kind: "ServiceAccount", name: "cart", namespace: "shop" },
      { kind: "ServiceAccount", name: "kps-prometheus", namespace: "monitoring" },
      { kind: "ServiceAccount", name: "payment", namespace: "shop" },
    ]);
    const gateway = objects.find((o) => o.kind === "MeshTLSAuthentication" && o.name === "gateway-callers")!;
    expect((gateway.spec as any).identityRefs).to.deep.include({ kind: "ServiceAccount", name: "ingress-nginx", namespace: "ingress-nginx" });
    const withoutMonitoring = targetPolicies(authzEdges(), peers(false));
    expect(JSON.stringify(withoutMonitoring)).not.to.contain("kps-prometheus");
  });
  it("lists the objects in the order of their headers, whoever the peers are", () => {
    for (const monitoring of [true, false]) {
      const objects = targetPolicies(authzEdges(), peers(monitoring));
      expect(objects.map(({ apiVersion, kind, name }) => ({ apiVersion, kind, name }))).to.deep.equal(targetPolicyHeaders(authzEdges()));
    }
  });
  it("refuses an empty authentication (the CRD requires one identity)", () => {
    expect(() => meshTlsSpec([])).to.throw("at least one identity");
  });
});
