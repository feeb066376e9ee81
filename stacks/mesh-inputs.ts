/**
 * What both mesh stacks read from the platform and the Shop: the parties of
 * the authorization graph as mesh identities, and the NetworkPolicies that
 * draw the namespace's boundary under the mesh (defense in depth).
 */
import { meshNetworkPolicySpecs } from "../infra/mesh/namespace-boundary";
import { serviceAccountFor, TARGETS, type MeshPeers } from "../infra/mesh/mesh-identities";
import { edgeClientPort, INGRESS_NGINX_EDGE, type EdgePeer } from "../infra/edge/edge-peer";
import { PROMETHEUS_POD_LABELS, PROMETHEUS_SERVICE_ACCOUNT } from "../infra/platform/monitoring";
import { JAEGER_PEER, JAEGER_PORTS } from "../infra/platform/jaeger-values";
import { collectorEgressPolicy } from "../infra/policy/collector-egress";
import { NetworkPolicies } from "../infra/policy/network-policies";
import { DNS_PEER, type ExternalPeer } from "../infra/policy/authz-network-policy-spec";
import type { StackConfig } from "./config";
import type { MeshSetup, PolicyContext } from "./stack-plan";

/** The stack's edge: the Gateway API implementation's pods, else ingress-nginx's controller. */
export function edgeOf(mesh: MeshSetup): EdgePeer {
  return mesh.gatewayEdge?.edge ?? INGRESS_NGINX_EDGE;
}

/**
 * Every party's identity, known before anything is created: the service
 * accounts' names are fixed by the workloads (serviceAccountFor), so the
 * policies need nothing of the Shop and never wait for the workloads they
 * unblock. (The policies' objects still wait for the namespace itself.)
 */
export function meshPeers(ctx: PolicyContext): MeshPeers {
  return {
    namespace: ctx.config.namespace,
    serviceAccounts: Object.fromEntries(TARGETS.map((t) => [t, serviceAccountFor(t)])) as MeshPeers["serviceAccounts"],
    ingress: { namespace: edgeOf(ctx.mesh).namespace, serviceAccount: edgeOf(ctx.mesh).serviceAccount },
    monitoring: ctx.config.monitoring.enabled ? { namespace: ctx.config.monitoring.namespace, serviceAccount: PROMETHEUS_SERVICE_ACCOUNT } : undefined,
  };
}

/** An external Redis's host, port, address block and TLS, from the config; undefined for the in-cluster one. */
export function externalRedisEndpoint(config: StackConfig): { host: string; port: number; cidr: string; tls: boolean } | undefined {
  const external = config.redis.external;
  if (!external) return undefined;
  const colon = external.address.lastIndexOf(":");
  return { host: external.address.slice(0, colon), port: Number(external.address.slice(colon + 1)), cidr: external.cidr, tls: external.tls };
}

export interface MeshPorts {
  /** The control plane's namespace and the ports the proxies call it on. */
  readonly controlPlane: { readonly namespace: string; readonly ports: readonly number[] };
  /** Ports the proxies serve for other pods. */
  readonly proxyPorts: readonly number[];
  /** Pods of the mesh's own add-ons that reach every pod (linkerd-viz). */
  readonly addOns?: readonly ExternalPeer[];
}

/** The namespace's boundary as NetworkPolicies, before the workloads. */
export function meshBoundary(ctx: PolicyContext, ports: MeshPorts): NetworkPolicies {
  const edge = edgeOf(ctx.mesh);
  const prometheus = ctx.config.monitoring.enabled ? [{ namespace: ctx.config.monitoring.namespace, podLabels: PROMETHEUS_POD_LABELS }] : [];
  return new NetworkPolicies(
    "policy",
    {
      namespace: ctx.namespace,
      policies: [
        ...meshNetworkPolicySpecs({
        dns: DNS_PEER,
        ingress: { namespace: edge.namespace, podLabels: edge.podLabels },
        scrapers: [...prometheus, ...(ports.addOns ?? [])],
        controlPlane: ports.controlPlane,
        proxyPorts: ports.proxyPorts,
        edgeClients: { apps: ctx.edges.filter((e) => e.kind === "shopper").map((e) => e.from), port: edgeClientPort(edge, ctx.config.ingress.tls !== "off") },
        externalRedis: externalRedisEndpoint(ctx.config),
        }),
        // The services' spans (OTLP/HTTP) and their proxies' (OTLP/gRPC), to the collector's pods only.
        ...collectorEgressPolicy(ctx.edges, JAEGER_PEER, [JAEGER_PORTS.otlpHttp, ...(ctx.mesh.collectorPorts ?? [])]),
      ],
    },
    { provider: ctx.provider },
  );
}
