/**
 * Envoy Gateway (envoy-gateway-values.ts says how and why): its namespace,
 * its own CRDs, the controller, the EnvoyProxy that shapes its data plane and
 * the GatewayClass naming both. In the dev stack it also applies the pinned
 * Gateway API CRDs (in linkerd, Linkerd's control plane does). The Gateway
 * and routes are EdgeGateway's; `implementation` is what it needs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../labels";
import { chartSource, CHARTS } from "../platform/platform-charts";
import { POD_SECURITY } from "../pod-security";
import type { GatewayImplementation } from "./edge-gateway";
import { gatewayApiCrds } from "./gateway-api-crds";
import {
  ENVOY_GATEWAY_API,
  ENVOY_GATEWAY_CLASS,
  ENVOY_GATEWAY_CONTROLLER,
  ENVOY_GATEWAY_NAMESPACE,
  envoyGatewayCrdsValues,
  envoyGatewayEdge,
  envoyGatewayValues,
  envoyProxySpec,
  rateLimitPolicySpec,
  type EnvoyProxyArgs,
} from "./envoy-gateway-values";

export interface EnvoyGatewayArgs {
  /** The Gateway (name and namespace) whose data plane this is. */
  readonly gateway: { readonly name: string; readonly namespace: string };
  readonly proxy: Omit<EnvoyProxyArgs, "workload">;
  /** Requests a second per client address. */
  readonly rateLimitRps: number;
  /** Apply the pinned Gateway API CRDs here (dev); absent: `gatewayApiCrds` installs them, or the cluster has its own. */
  readonly installGatewayApiCrds: boolean;
  /** What already installs the Gateway API CRDs (linkerd's control plane). */
  readonly gatewayApiCrds?: pulumi.Resource[];
  /** What the proxy pods' mesh needs up first (the injector). */
  readonly meshDependsOn: pulumi.Resource[];
}

export class EnvoyGateway extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  /** Envoy Gateway's CRDs, rendered and applied server-side (not a Helm release: upstream's advice for these large CRDs). */
  public readonly crds: k8s.helm.v4.Chart;
  public readonly gatewayClass: k8s.apiextensions.CustomResource;
  public readonly implementation: GatewayImplementation;

  constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:EnvoyGateway", name, {}, opts);
    const labels = { "app.kubernetes.io/part-of": PART_OF };
    const gatewayCrds = args.installGatewayApiCrds ? [gatewayApiCrds(`${name}-gateway-api-crds`, this)] : (args.gatewayApiCrds ?? []);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ENVOY_GATEWAY_NAMESPACE, labels: { ...labels, ...POD_SECURITY.gatewayEdge } } }, { parent: this });
    this.crds = new k8s.helm.v4.Chart(
      `${name}-crds`,
      { name: "envoy-gateway-crds", namespace: ns.metadata.name, ...chartSource(CHARTS.envoyGatewayCrds), values: envoyGatewayCrdsValues() },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      { name: "envoy-gateway", namespace: ns.metadata.name, ...chartSource(CHARTS.envoyGateway), values: envoyGatewayValues(), timeout: 600 },
      { parent: this, dependsOn: [...gatewayCrds, this.crds] },
    );
    const workload = `${args.gateway.name}-edge`;
    const envoyProxy = new k8s.apiextensions.CustomResource(
      `${name}-proxy`,
      { apiVersion: ENVOY_GATEWAY_API, kind: "EnvoyProxy", metadata: { name: workload, namespace: ns.metadata.name, labels }, spec: envoyProxySpec({ ...args.proxy, workload }) },
      { parent: this, dependsOn: [this.crds] },
    );
    // Deleted before the controller (which holds its finalizer while a Gateway uses it) and after the Gateway.
    this.gatewayClass = new k8s.apiextensions.CustomResource(
      `${name}-class`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: ENVOY_GATEWAY_CLASS, labels },
        spec: {
          controllerName: ENVOY_GATEWAY_CONTROLLER,
          parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: workload, namespace: ENVOY_GATEWAY_NAMESPACE },
        },
      },
      { parent: this, dependsOn: [...gatewayCrds, this.release, envoyProxy] },
    );
    this.implementation = {
      className: ENVOY_GATEWAY_CLASS,
      edge: envoyGatewayEdge(args.gateway.name, args.gateway.namespace, workload),
      policies: [{ apiVersion: ENVOY_GATEWAY_API, kind: "BackendTrafficPolicy", name: `${args.gateway.name}-rate-limit`, spec: rateLimitPolicySpec(args.gateway.name, args.rateLimitRps) }],
      crdDependsOn: gatewayCrds,
      dependsOn: [this.gatewayClass, ...args.meshDependsOn],
    };
    this.registerOutputs({});
  }
}
