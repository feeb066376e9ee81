/**
 * NetworkPolicies the mesh stacks keep as defense in depth (pure). The mesh
 * authorizes each call by identity (L7); these L3/L4 policies only draw the
 * namespace's boundary, so a pod that escapes its proxy (or a proxy bug)
 * still cannot reach the internet or be reached from other namespaces:
 *
 * - default deny, both ways; DNS egress;
 * - anything within the shop's namespace (the mesh decides who calls whom
 *   there: per-pair NetworkPolicies would have to admit the proxies' own
 *   ports — Linkerd's proxies talk to each other on 4143 — and add nothing);
 * - egress to the mesh's control plane on its ports only (certificates and
 *   configuration);
 * - ingress from the ingress controller to the public services, and from
 *   the monitoring peers (Prometheus, linkerd-viz) to every pod, on the app
 *   ports, Redis's exporter port (the in-cluster Redis) and the mesh's proxy
 *   ports;
 * - egress from the edge's clients in the namespace (the load generator) to
 *   the ingress controller's pods on their HTTP port, where the controller
 *   takes plain HTTP as it does from the internet (its inbound is not meshed).
 *
 * Kubelet probes come from the node, which NetworkPolicies do not govern.
 */
import type * as k8s from "@pulumi/kubernetes";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import type { Topology } from "../authz/graph";
import { appSelector } from "../labels";
import type { ExternalPeer, NamedPolicy } from "../policy/authz-network-policy-spec";
import { REDIS_EXPORTER_PORT } from "../redis/redis-spec";

type PolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type PolicyPort = k8s.types.input.networking.v1.NetworkPolicyPort;

export interface MeshBoundary {
  /** The cluster DNS pods. */
  readonly dns: ExternalPeer;
  /** The ingress controller's pods. */
  readonly ingress: ExternalPeer;
  /** Pods that scrape every pod (Prometheus; linkerd-viz's Prometheus); none when monitoring is off. */
  readonly scrapers: readonly ExternalPeer[];
  /** The control plane: its namespace and the ports the proxies call. */
  readonly controlPlane: { readonly namespace: string; readonly ports: readonly number[] };
  /** Ports the proxies accept on a pod's behalf (Linkerd's inbound and admin ports; Istio's Envoy stats). */
  readonly proxyPorts: readonly number[];
  /** Apps of the namespace that reach the edge as shoppers (the graph's shopper edges), and the edge pods' port they call (HTTPS when TLS is on). */
  readonly edgeClients?: { readonly apps: readonly string[]; readonly port: number };
  /** An external Redis (its address block and port): the services that keep state may reach it there. */
  readonly externalRedis?: { readonly cidr: string; readonly port: number };
}

const tcp = (ports: readonly number[]): PolicyPort[] => ports.map((port) => ({ protocol: "TCP", port }));
const external = (peer: ExternalPeer): PolicyPeer => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } },
  podSelector: { matchLabels: peer.podLabels },
});
const controlPlaneNamespace = (namespace: string): PolicyPeer => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } });

export function meshNetworkPolicySpecs(b: MeshBoundary, topology: Topology = SERVICES): NamedPolicy[] {
  const appPorts = [...new Set(SERVICE_NAMES.map((s) => topology[s].port))].sort((x, y) => x - y);
  // Redis's exporter sidecar, scraped in its pod; an external Redis has none here.
  const exporterPorts = b.externalRedis ? [] : [REDIS_EXPORTER_PORT];
  const policies: NamedPolicy[] = [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "allow-dns",
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [external(b.dns)], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }] },
    },
    {
      name: "allow-namespace",
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
    },
    {
      name: "allow-control-plane",
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [controlPlaneNamespace(b.controlPlane.namespace)], ports: tcp(b.controlPlane.ports) }] },
    },
  ];
  for (const service of SERVICE_NAMES.filter((s) => topology[s].public)) {
    policies.push({
      name: `${service}-from-ingress`,
      spec: {
        podSelector: { matchLabels: appSelector(service) },
        policyTypes: ["Ingress"],
        ingress: [{ from: [external(b.ingress)], ports: tcp([topology[service].port, ...b.proxyPorts]) }],
      },
    });
  }
  if (b.scrapers.length > 0) {
    policies.push({
      name: "allow-scrapes",
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: b.scrapers.map(external), ports: tcp([...appPorts, ...exporterPorts, ...b.proxyPorts]) }] },
    });
  }
  for (const app of b.edgeClients?.apps ?? []) {
    policies.push({
      name: `${app}-to-edge`,
      spec: { podSelector: { matchLabels: appSelector(app) }, policyTypes: ["Egress"], egress: [{ to: [external(b.ingress)], ports: tcp([b.edgeClients!.port]) }] },
    });
  }
  if (b.externalRedis) {
    const users = SERVICE_NAMES.filter((s) => topology[s].redis);
    policies.push({
      name: "redis-external-egress",
      spec: {
        podSelector: { matchExpressions: [{ key: "app", operator: "In", values: users }] },
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: b.externalRedis.cidr } }], ports: tcp([b.externalRedis.port]) }],
      },
    });
  }
  return policies;
}
