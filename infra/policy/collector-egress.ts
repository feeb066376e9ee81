/**
 * The one NetworkPolicy that lets the shop's services send their spans to
 * the tracing backend's collector, generated from the graph's `traces`
 * edges (pure). The collector is outside the shop's namespace, like the
 * edge, so it is an egress rule of the callers alone: the services' pods, to
 * the collector's pods, on the OTLP ports given — the services' OTLP/HTTP
 * port in every stack, and in the mesh stacks also the port the proxies
 * export their own spans to (OTLP/gRPC) and, for Linkerd, the collector's
 * proxy's inbound port (meshed connections arrive there). Nothing else of
 * the tracing namespace, and nothing of the services to anyone.
 */
import { COLLECTOR, type AuthzEdge, type EdgeTarget } from "../authz/graph";
import type { ExternalPeer, NamedPolicy } from "./authz-network-policy-spec";

export const COLLECTOR_EGRESS_POLICY = "traces-egress";

/** An edge the namespace's own policies enforce: every one but those to the collector (this module's). */
export type NamespaceEdge = AuthzEdge & { readonly to: Exclude<EdgeTarget, typeof COLLECTOR> };

export function namespaceEdges(edges: readonly AuthzEdge[]): NamespaceEdge[] {
  return edges.filter((e): e is NamespaceEdge => e.to !== COLLECTOR);
}

/** The apps the graph lets send spans to the collector, sorted. */
export function collectorSenders(edges: readonly AuthzEdge[]): string[] {
  return [...new Set(edges.filter((e) => e.to === COLLECTOR && e.kind === "traces").map((e) => e.from))].sort();
}

/** The policy, or none when no edge reaches the collector (tracing off). */
export function collectorEgressPolicy(edges: readonly AuthzEdge[], collector: ExternalPeer, ports: readonly number[]): NamedPolicy[] {
  const senders = collectorSenders(edges);
  if (senders.length === 0) return [];
  if (ports.length === 0) throw new Error("the collector's egress needs at least one port");
  return [
    {
      name: COLLECTOR_EGRESS_POLICY,
      spec: {
        podSelector: { matchExpressions: [{ key: "app", operator: "In", values: senders }] },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": collector.namespace } }, podSelector: { matchLabels: collector.podLabels } }],
            ports: [...new Set(ports)].map((port) => ({ protocol: "TCP", port })),
          },
        ],
      },
    },
  ];
}
