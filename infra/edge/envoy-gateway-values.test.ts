import { expect } from "chai";
import { ENVOY_GATEWAY } from "../../test/infra/fixtures/upstream";
import { edgeClientPort } from "./edge-peer";
import { envoyGatewayEdge, envoyListenerPorts, envoyProxySpec } from "./envoy-gateway-values";

/** Envoy Gateway with TLS off (the mock runs serve HTTPS): the plain listener alone, on its shifted port. */
describe("Envoy Gateway's listener ports (envoy-gateway-values.ts)", () => {
  it("serves plain HTTP alone with TLS off, HTTPS too with it on, each on the pinned release's shifted port", () => {
    expect(envoyListenerPorts(false)).to.deep.equal([ENVOY_GATEWAY.podHttpPort]);
    expect(envoyListenerPorts(true)).to.deep.equal([ENVOY_GATEWAY.podHttpPort, ENVOY_GATEWAY.podHttpsPort]);
    const spec = envoyProxySpec({ workload: "w", serviceType: "NodePort", nodePorts: { http: 30080 } }) as any;
    expect(spec.provider.kubernetes.envoyService.patch.value.spec.ports).to.deep.equal([{ port: 80, nodePort: 30080 }]);
  });

  it("gives an in-cluster client of the edge the pods' HTTPS port with TLS on, else the HTTP one", () => {
    const edge = envoyGatewayEdge("meshmart", "meshmart-edge", ENVOY_GATEWAY.workload);
    expect([edgeClientPort(edge, true), edgeClientPort(edge, false)]).to.deep.equal([ENVOY_GATEWAY.podHttpsPort, ENVOY_GATEWAY.podHttpPort]);
  });
});
