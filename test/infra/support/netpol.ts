/**
 * A small evaluator of Kubernetes NetworkPolicy semantics over declared
 * objects: is a TCP/UDP connection from pod A to pod B on a port allowed?
 * (Selection by namespace + podSelector; isolation per direction once any
 * policy of that type selects the pod; rules as OR of peers and ports.)
 */

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

export interface Policy {
  readonly metadata: { readonly namespace: string; readonly name: string };
  readonly spec: any;
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selects(selector: Selector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    const ok =
      e.operator === "In" ? has && (e.values ?? []).includes(value!) :
      e.operator === "NotIn" ? !has || !(e.values ?? []).includes(value!) :
      e.operator === "Exists" ? has :
      e.operator === "DoesNotExist" ? !has :
      (() => { throw new Error(`unknown operator ${e.operator}`); })();
    if (!ok) return false;
  }
  return true;
}

const nsLabels = (ns: string) => ({ "kubernetes.io/metadata.name": ns });

function peerMatches(peer: any, policyNs: string, other: Pod): boolean {
  if (peer.ipBlock) return false;
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, nsLabels(other.namespace)) : other.namespace === policyNs;
  const podOk = peer.podSelector ? selects(peer.podSelector, other.labels) : true;
  return nsOk && podOk;
}

function portMatches(ports: any[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? "TCP") === protocol && (p.port === undefined || p.port === port));
}

function direction(policies: readonly Policy[], self: Pod, other: Pod, port: number, protocol: string, type: "Ingress" | "Egress"): boolean {
  const applicable = policies.filter(
    (p) => p.metadata.namespace === self.namespace && selects(p.spec.podSelector, self.labels) && (p.spec.policyTypes ?? ["Ingress"]).includes(type),
  );
  if (applicable.length === 0) return true;
  const rulesKey = type === "Ingress" ? "ingress" : "egress";
  const peersKey = type === "Ingress" ? "from" : "to";
  return applicable.some((p) =>
    (p.spec[rulesKey] ?? []).some(
      (rule: any) =>
        (!rule[peersKey] || rule[peersKey].length === 0 || rule[peersKey].some((peer: any) => peerMatches(peer, p.metadata.namespace, other))) &&
        portMatches(rule.ports, port, protocol),
    ),
  );
}

/** Whether `from` may open a connection to `to` on `port` under `policies`. */
export function allowed(policies: readonly Policy[], from: Pod, to: Pod, port: number, protocol = "TCP"): boolean {
  return direction(policies, from, to, port, protocol, "Egress") && direction(policies, to, from, port, protocol, "Ingress");
}
