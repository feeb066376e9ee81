/**
 * The tracing namespace's own NetworkPolicies (pure): Jaeger admits only
 * what sends it spans and what reads them, so no other pod of the cluster
 * can write into the traces or read them (they hold URLs and user ids).
 *
 * - default deny, inbound (Jaeger calls nobody; kubelet probes come from
 *   the node, which NetworkPolicies do not govern);
 * - the shop's services, on the OTLP ports (their SDK's OTLP/HTTP and their
 *   proxies' OTLP/gRPC), plus the mesh's inbound proxy port where Jaeger is
 *   meshed (Linkerd: meshed connections arrive on 4143);
 * - in a mesh stack, the ingress controller's pods, whose proxy spans the
 *   edge's hop, on the same ports;
 * - Grafana's pods, on the query port (its Jaeger datasource);
 * - with Kiali, Kiali's pods, on the query port too.
 */
import type { ExternalPeer, NamedPolicy } from "./authz-network-policy-spec";

export interface CollectorClients {
  /** Jaeger's pods (their labels). */
  readonly collector: Record<string, string>;
  /** The shop's namespace and the apps that send spans (the graph's `traces` edges). */
  readonly shop: { readonly namespace: string; readonly apps: readonly string[] };
  /** The ports spans arrive on (OTLP/HTTP; in a mesh also OTLP/gRPC and the meshed inbound port). */
  readonly otlpPorts: readonly number[];
  /** The ingress controller's pods, when their proxy sends spans (mesh stacks). */
  readonly edge?: ExternalPeer;
  /** Grafana's pods (monitoring on), and the query port they read on. */
  readonly grafana?: { readonly peer: ExternalPeer; readonly port: number };
  /** Kiali's pods (meshmart:kiali), which read traces on the same query port. */
  readonly kiali?: { readonly peer: ExternalPeer; readonly port: number };
}

const inNamespace = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });
const tcp = (ports: readonly number[]) => [...new Set(ports)].map((port) => ({ protocol: "TCP", port }));
const external = (peer: ExternalPeer) => ({ namespaceSelector: inNamespace(peer.namespace), podSelector: { matchLabels: peer.podLabels } });

export function collectorIngressPolicies(c: CollectorClients): NamedPolicy[] {
  if (c.shop.apps.length === 0 || c.otlpPorts.length === 0) throw new Error("the collector needs senders and OTLP ports");
  const senders = [
    { namespaceSelector: inNamespace(c.shop.namespace), podSelector: { matchExpressions: [{ key: "app", operator: "In", values: [...c.shop.apps].sort() }] } },
    ...(c.edge ? [external(c.edge)] : []),
  ];
  const policies: NamedPolicy[] = [
    { name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } },
    { name: "otlp-from-senders", spec: { podSelector: { matchLabels: c.collector }, policyTypes: ["Ingress"], ingress: [{ from: senders, ports: tcp(c.otlpPorts) }] } },
  ];
  if (c.grafana) {
    policies.push({
      name: "query-from-grafana",
      spec: { podSelector: { matchLabels: c.collector }, policyTypes: ["Ingress"], ingress: [{ from: [external(c.grafana.peer)], ports: tcp([c.grafana.port]) }] },
    });
  }
  if (c.kiali) {
    policies.push({
      name: "query-from-kiali",
      spec: { podSelector: { matchLabels: c.collector }, policyTypes: ["Ingress"], ingress: [{ from: [external(c.kiali.peer)], ports: tcp([c.kiali.port]) }] },
    });
  }
  return policies;
}
