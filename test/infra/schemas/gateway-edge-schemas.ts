/**
 * Writes the schemas of the custom resources of the Gateway API edge from
 * the pinned releases' own CRDs (the same strict conversion as edge-crds.ts:
 * unknown fields, experimental-only ones included, are errors):
 *
 *   node --import tsx test/infra/schemas/gateway-edge-schemas.ts <gateway-api git dir> <envoyproxy/gateway git dir>
 *
 * - GatewayClass, Gateway and HTTPRoute v1 from kubernetes-sigs/gateway-api
 *   config/crd/standard/ at v1.5.1, the release whose standard-install.yaml
 *   the program applies → gateway-api-standard-v1.5.1.json (the
 *   @kubernetes-models/gateway-api models that every variant is validated
 *   with in schema.test.ts follow the experimental channel, a superset);
 * - EnvoyProxy and BackendTrafficPolicy v1alpha1 from envoyproxy/gateway
 *   charts/gateway-crds-helm/templates/generated/ at v1.9.0 (the templates
 *   the program's `gateway-crds-helm` release renders) → envoy-gateway-v1.9.0.json.
 */
import { writeSchemaFiles, type CrdSource } from "./edge-crds";

export const GATEWAY_API_STANDARD_SOURCE: CrdSource = {
  file: "gateway-api-standard-v1.5.1.json",
  group: "gateway.networking.k8s.io",
  release: "v1.5.1",
  repo: "kubernetes-sigs/gateway-api",
  commit: "e7677b70ae75d14a4448fba94870e7deea6cf0ad",
  kinds: [
    { path: "config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml", kind: "GatewayClass", version: "v1" },
    { path: "config/crd/standard/gateway.networking.k8s.io_gateways.yaml", kind: "Gateway", version: "v1" },
    { path: "config/crd/standard/gateway.networking.k8s.io_httproutes.yaml", kind: "HTTPRoute", version: "v1" },
  ],
};

export const ENVOY_GATEWAY_SOURCE: CrdSource = {
  file: "envoy-gateway-v1.9.0.json",
  group: "gateway.envoyproxy.io",
  release: "v1.9.0",
  repo: "envoyproxy/gateway",
  commit: "39763b1c07ec30a5526fe70434a2cfe4181de642",
  kinds: [
    { path: "charts/gateway-crds-helm/templates/generated/gateway.envoyproxy.io_envoyproxies.yaml", kind: "EnvoyProxy", version: "v1alpha1" },
    { path: "charts/gateway-crds-helm/templates/generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml", kind: "BackendTrafficPolicy", version: "v1alpha1" },
  ],
};

function main(): void {
  const [gatewayApiGit, envoyGatewayGit] = process.argv.slice(2);
  if (!gatewayApiGit || !envoyGatewayGit) throw new Error("usage: gateway-edge-schemas.ts <gateway-api git dir> <envoyproxy/gateway git dir>");
  writeSchemaFiles(
    [
      [GATEWAY_API_STANDARD_SOURCE, gatewayApiGit],
      [ENVOY_GATEWAY_SOURCE, envoyGatewayGit],
    ],
    { generator: "test/infra/schemas/gateway-edge-schemas.ts" },
  );
}

if (require.main === module) main();
