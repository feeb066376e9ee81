/**
 * NetworkPolicies for the dev stack, generated from the authorization graph:
 * default deny both ways, DNS egress for every pod, and for each edge one
 * egress rule at the caller and one ingress rule at the callee, on the
 * port the edge reaches (the callee's own, or the edge's port: Prometheus
 * reaches Redis's exporter on its port, never Redis's). NetworkPolicies are
 * L4: "monitoring → /metrics" admits Prometheus to the port. The load
 * generator's one edge (to the edge itself) is an egress rule to the ingress controller's pods on their
 * HTTP port; no rule admits anyone to the load generator.
 */
import type * as k8s from "@pulumi/kubernetes";
import { REDIS_PORT, SERVICES, type ServiceName } from "../../services/topology";
import type { Peer, Topology } from "../authz/graph";
import { appSelector } from "../labels";
import type { NamespaceEdge } from "./collector-egress";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type PolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/** A pod outside the shop's namespace, by namespace name and pod labels. */
export interface ExternalPeer {
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

export interface NetworkPolicyPeers {
  /** The ingress controller's pods. */
  readonly ingress: ExternalPeer;
  /** The edge pods' port where a shopper inside the cluster (the load generator) reaches the edge: HTTPS when TLS is on, else HTTP (edge-peer.ts edgeClientPort). */
  readonly edgePort?: number;
  /** Prometheus's pods; absent when monitoring is off. */
  readonly monitoring?: ExternalPeer;
  /** The cluster DNS pods (kube-system, k8s-app: kube-dns on kind and minikube). */
  readonly dns: ExternalPeer;
  /** An external Redis, by address block and port, instead of the in-cluster Redis pod. */
  readonly externalRedis?: { readonly cidr: string; readonly port: number };
}

export const DNS_PEER: ExternalPeer = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } };

export interface NamedPolicy {
  readonly name: string;
  readonly spec: NetworkPolicySpec;
}

function external(peer: ExternalPeer): PolicyPeer {
  return {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } },
    podSelector: { matchLabels: peer.podLabels },
  };
}

function portOf(target: ServiceName | "redis", topology: Topology): number {
  return target === "redis" ? REDIS_PORT : topology[target].port;
}

/** The pods a peer stands for, seen from the shop's namespace; undefined when absent. */
function peerSelector(peer: Peer, peers: NetworkPolicyPeers): PolicyPeer | undefined {
  switch (peer) {
    case "ingress":
      return external(peers.ingress);
    case "monitoring":
      return peers.monitoring && external(peers.monitoring);
    default:
      return { podSelector: { matchLabels: appSelector(peer) } };
  }
}

function edgePort(peers: NetworkPolicyPeers): number {
  if (peers.edgePort === undefined) throw new Error("an edge to the ingress controller needs NetworkPolicyPeers.edgePort (the port its pods serve shoppers on)");
  return peers.edgePort;
}

export function networkPolicySpecs(edges: readonly NamespaceEdge[], peers: NetworkPolicyPeers, topology: Topology = SERVICES): NamedPolicy[] {
  const policies: NamedPolicy[] = [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "allow-dns",
      spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [external(peers.dns)], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
      },
    },
  ];
  // The edge is the controller's, in its own namespace, and admits everyone: no policy of ours there.
  const targets = [...new Set(edges.map((e) => e.to))].filter((t): t is Exclude<NamespaceEdge["to"], "ingress"> => t !== "ingress");
  for (const target of targets) {
    if (target === "redis" && peers.externalRedis) continue; // no Redis pod here to admit anyone to
    // One rule per port of the target its callers reach (Redis: its own port, and the exporter's for Prometheus).
    const ingress = [...new Set(edges.filter((e) => e.to === target).map((e) => e.port ?? portOf(target, topology)))]
      .map((port) => ({
        from: edges
          .filter((e) => e.to === target && (e.port ?? portOf(target, topology)) === port)
          .map((e) => peerSelector(e.from, peers))
          .filter((p): p is PolicyPeer => p !== undefined),
        ports: [{ protocol: "TCP", port }],
      }))
      .filter((rule) => rule.from.length > 0);
    if (ingress.length === 0) continue;
    policies.push({
      name: `${target}-ingress`,
      spec: {
        podSelector: { matchLabels: appSelector(target) },
        policyTypes: ["Ingress"],
        ingress,
      },
    });
  }
  const sources = [...new Set(edges.map((e) => e.from))].filter((s): s is Exclude<Peer, "ingress" | "monitoring"> => s !== "ingress" && s !== "monitoring");
  for (const source of sources) {
    const egress = edges
      .filter((e) => e.from === source)
      .map((e) => {
        if (e.to === "ingress") return { to: [external(peers.ingress)], ports: [{ protocol: "TCP", port: edgePort(peers) }] };
        return e.to === "redis" && peers.externalRedis
          ? { to: [{ ipBlock: { cidr: peers.externalRedis.cidr } }], ports: [{ protocol: "TCP", port: peers.externalRedis.port }] }
          : { to: [{ podSelector: { matchLabels: appSelector(e.to) } }], ports: [{ protocol: "TCP", port: e.port ?? portOf(e.to, topology) }] };
      });
    policies.push({ name: `${source}-egress`, spec: { podSelector: { matchLabels: appSelector(source) }, policyTypes: ["Egress"], egress } });
  }
  return policies;
}
