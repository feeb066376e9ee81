/**
 * The Gateway API edge (meshmart:edge gateway-api): the edge's namespace,
 * its certificate (EdgeTls, beside the Gateway), the Gateway of the stack's
 * implementation, and the shop's HTTPRoutes (gateway-routes-spec.ts). Every
 * custom resource depends on the Gateway API CRDs; the implementation's
 * controller provisions the data-plane pods and their Service.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EdgeTls, type EdgeNames, type EdgeTlsSource } from "../edge-tls";
import { PART_OF } from "../labels";
import { POD_SECURITY } from "../pod-security";
import type { EdgePeer } from "./edge-peer";
import { GATEWAY_API_GROUP, gatewaySpec, publicRouteSpec, redirectRouteSpec, type RouteSpecArgs } from "./gateway-routes-spec";

/** An implementation's policy object beside the Gateway (it names the Gateway itself). */
export interface GatewayPolicy {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

/** What a stack's Gateway API implementation contributes. */
export interface GatewayImplementation {
  readonly className: string;
  /** The data-plane pods the implementation provisions for the Gateway. */
  readonly edge: EdgePeer;
  /** Annotations of the Gateway (e.g. the Service's type). */
  readonly gatewayAnnotations?: Record<string, string>;
  /** Data of a parameters ConfigMap beside the Gateway (spec.infrastructure.parametersRef). */
  readonly parameters?: Record<string, string>;
  /** Policies beside the Gateway (e.g. a per-client rate limit), after it and the implementation's CRDs. */
  readonly policies?: readonly GatewayPolicy[];
  /** What installs the Gateway API CRDs (empty: the cluster's own). */
  readonly crdDependsOn: pulumi.Resource[];
  /** What the Gateway waits for besides the CRDs (the controller). */
  readonly dependsOn: pulumi.Resource[];
}

export interface EdgeGatewayArgs {
  readonly implementation: GatewayImplementation;
  /** The Gateway's name and its own namespace (created here; the implementation's pods may run elsewhere). */
  readonly gatewayName: string;
  readonly gatewayNamespace: string;
  /** The shop's namespace: its name (the listeners admit its routes) and the Output that resolves once it exists. */
  readonly shopNamespace: { readonly name: string; readonly output: pulumi.Input<string> };
  readonly host: string;
  readonly backend: RouteSpecArgs["backend"];
  readonly upstreamTimeoutMs: number;
  /** HTTPS: how the certificate is made; absent: HTTP only. */
  readonly tls?: { readonly source: EdgeTlsSource; readonly names: EdgeNames; readonly certManagerRelease?: pulumi.Resource };
}

export class EdgeGateway extends pulumi.ComponentResource {
  public readonly gateway: k8s.apiextensions.CustomResource;
  /** The Gateway's certificate (public part) when the program made it. */
  public readonly certificatePem?: pulumi.Output<string>;

  constructor(name: string, args: EdgeGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:network:EdgeGateway", name, {}, opts);
    const impl = args.implementation;
    const labels = { "app.kubernetes.io/part-of": PART_OF };
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.gatewayNamespace, labels: { ...labels, ...POD_SECURITY.gatewayEdge } } }, { parent: this });
    const parameters = impl.parameters
      ? new k8s.core.v1.ConfigMap(`${name}-parameters`, { metadata: { name: `${args.gatewayName}-gateway`, namespace: ns.metadata.name, labels }, data: impl.parameters }, { parent: this })
      : undefined;
    const certificate = args.tls
      ? new EdgeTls(`${name}-tls`, { source: args.tls.source, namespace: ns.metadata.name, names: args.tls.names, certManagerRelease: args.tls.certManagerRelease }, { parent: this })
      : undefined;
    this.certificatePem = certificate?.certificatePem;
    const after = [...impl.crdDependsOn, ...impl.dependsOn];
    this.gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: `${GATEWAY_API_GROUP}/v1`,
        kind: "Gateway",
        metadata: { name: args.gatewayName, namespace: ns.metadata.name, labels, annotations: impl.gatewayAnnotations },
        spec: gatewaySpec({
          className: impl.className,
          host: args.host,
          routeNamespace: args.shopNamespace.name,
          tlsSecretName: certificate?.secretName,
          parametersConfigMap: parameters ? `${args.gatewayName}-gateway` : undefined,
        }),
      },
      { parent: this, dependsOn: [...after, ...(parameters ? [parameters] : [])] },
    );
    for (const policy of impl.policies ?? []) {
      new k8s.apiextensions.CustomResource(
        `${name}-${policy.kind.toLowerCase()}`,
        { apiVersion: policy.apiVersion, kind: policy.kind, metadata: { name: policy.name, namespace: ns.metadata.name, labels }, spec: policy.spec },
        { parent: this, dependsOn: [this.gateway, ...impl.dependsOn] },
      );
    }
    const routeArgs: RouteSpecArgs = {
      gateway: { name: args.gatewayName, namespace: args.gatewayNamespace },
      host: args.host,
      backend: args.backend,
      upstreamTimeoutMs: args.upstreamTimeoutMs,
      tls: certificate !== undefined,
    };
    const route = (suffix: string, spec: Record<string, unknown>) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${suffix}`,
        { apiVersion: `${GATEWAY_API_GROUP}/v1`, kind: "HTTPRoute", metadata: { name: suffix === "route" ? PART_OF : `${PART_OF}-${suffix}`, namespace: args.shopNamespace.output, labels }, spec },
        { parent: this, dependsOn: impl.crdDependsOn },
      );
    route("route", publicRouteSpec(routeArgs));
    if (certificate) route("redirect", redirectRouteSpec(routeArgs));
    this.registerOutputs({});
  }
}
