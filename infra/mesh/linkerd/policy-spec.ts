/**
 * The authorization graph as Linkerd policy (pure). With the namespace's
 * default inbound policy `deny`, each target gets:
 *
 * - a Server on its port (`accessPolicy: deny`: nothing unless authorized);
 * - a MeshTLSAuthentication naming its callers' service accounts;
 * - an AuthorizationPolicy granting that authentication on that Server.
 *
 * The Servers carry no inbound routes, so the policy controller keeps
 * authorizing kubelet probes on the pods' own probe paths. Prometheus's
 * identity is authorized on the Server (identity-level, not per path: a
 * per-path route would also drop that probe authorization).
 *
 * And for linkerd-viz (`linkerd viz stat`, the canary split): the proxies'
 * admin port admits viz's Prometheus on GET /metrics and the kubelet on the
 * proxies' own probe paths (what `linkerd viz allow-scrapes` generates).
 */
import { SERVICES } from "../../../services/topology";
import type { AuthzEdge, Topology } from "../../authz/graph";
import { callerIdentities, targetsOf, type MeshPeers, type Target, type WorkloadIdentity } from "../peers";
import { LINKERD_VIZ_NAMESPACE, VIZ_PROMETHEUS_SERVICE_ACCOUNT } from "./values";

export const POLICY_GROUP = "policy.linkerd.io";
export const SERVER_API = `${POLICY_GROUP}/v1beta3`;
export const POLICY_API = `${POLICY_GROUP}/v1alpha1`;
export const GATEWAY_GROUP = "gateway.networking.k8s.io";

export interface PolicyObject {
  readonly apiVersion: string;
  readonly kind: "Server" | "MeshTLSAuthentication" | "NetworkAuthentication" | "AuthorizationPolicy" | "HTTPRoute";
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

/** The Server of a target: its pods (by app), its named port, its protocol. */
export function serverSpec(target: Target, topology: Topology = SERVICES): Record<string, unknown> {
  const redis = target === "redis";
  if (!redis && !(target in topology)) throw new Error(`unknown target ${target}`);
  return {
    podSelector: { matchLabels: { app: target } },
    port: redis ? "redis" : "http",
    // Redis is server-first-safe but opaque (no HTTP); the services speak HTTP/1.1.
    proxyProtocol: redis ? "opaque" : "HTTP/1",
    accessPolicy: "deny",
  };
}

export function meshTlsSpec(identities: readonly WorkloadIdentity[]): Record<string, unknown> {
  if (identities.length === 0) throw new Error("a MeshTLSAuthentication needs at least one identity");
  return { identityRefs: identities.map((id) => ({ kind: "ServiceAccount", name: id.serviceAccount, namespace: id.namespace })) };
}

export function authorizationSpec(target: { group: string; kind: string; name: string }, authentications: { kind: string; name: string; namespace?: string }[]): Record<string, unknown> {
  return {
    targetRef: target,
    requiredAuthenticationRefs: authentications.map((a) => ({ group: POLICY_GROUP, ...a })),
  };
}

/** Server, MeshTLSAuthentication and AuthorizationPolicy per target, from the edges. */
export function targetPolicies(edges: readonly AuthzEdge[], peers: MeshPeers, topology: Topology = SERVICES): PolicyObject[] {
  return targetsOf(edges).flatMap((target): PolicyObject[] => {
    const callers = callerIdentities(target, edges, peers, ["call", "ingress", "redis", "scrape"]);
    if (callers.length === 0) throw new Error(`${target} has no callers in the graph: it needs no Server`);
    const authn = `${target}-callers`;
    return [
      { apiVersion: SERVER_API, kind: "Server", name: target, spec: serverSpec(target, topology) },
      { apiVersion: POLICY_API, kind: "MeshTLSAuthentication", name: authn, spec: meshTlsSpec(callers) },
      {
        apiVersion: POLICY_API,
        kind: "AuthorizationPolicy",
        name: authn,
        spec: authorizationSpec({ group: POLICY_GROUP, kind: "Server", name: target }, [{ kind: "MeshTLSAuthentication", name: authn }]),
      },
    ];
  });
}

/** Where probes come from: everywhere, as the policy controller's default probeNetworks. */
export const PROBE_NETWORKS = [{ cidr: "0.0.0.0/0" }, { cidr: "::/0" }];
const ADMIN_SERVER = "linkerd-admin";

function adminRoute(name: string, paths: readonly string[]): PolicyObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: "HTTPRoute",
    name,
    spec: {
      parentRefs: [{ group: POLICY_GROUP, kind: "Server", name: ADMIN_SERVER }],
      rules: [{ matches: paths.map((value) => ({ path: { type: "Exact", value }, method: "GET" })) }],
    },
  };
}

/** The proxies' admin port: viz's Prometheus on /metrics, the kubelet on /live and /ready. */
export function proxyAdminPolicies(): PolicyObject[] {
  const route = (name: string) => ({ group: GATEWAY_GROUP, kind: "HTTPRoute", name });
  return [
    {
      apiVersion: SERVER_API,
      kind: "Server",
      name: ADMIN_SERVER,
      spec: {
        podSelector: { matchExpressions: [{ key: "linkerd.io/control-plane-ns", operator: "Exists" }] },
        port: "linkerd-admin",
        proxyProtocol: "HTTP/1",
        accessPolicy: "deny",
      },
    },
    adminRoute("proxy-metrics", ["/metrics"]),
    adminRoute("proxy-probes", ["/live", "/ready"]),
    {
      apiVersion: POLICY_API,
      kind: "MeshTLSAuthentication",
      name: "linkerd-viz-prometheus",
      spec: meshTlsSpec([{ namespace: LINKERD_VIZ_NAMESPACE, serviceAccount: VIZ_PROMETHEUS_SERVICE_ACCOUNT }]),
    },
    { apiVersion: POLICY_API, kind: "NetworkAuthentication", name: "kubelet", spec: { networks: PROBE_NETWORKS } },
    {
      apiVersion: POLICY_API,
      kind: "AuthorizationPolicy",
      name: "proxy-metrics",
      spec: authorizationSpec(route("proxy-metrics"), [{ kind: "MeshTLSAuthentication", name: "linkerd-viz-prometheus" }]),
    },
    {
      apiVersion: POLICY_API,
      kind: "AuthorizationPolicy",
      name: "proxy-probes",
      spec: authorizationSpec(route("proxy-probes"), [{ kind: "NetworkAuthentication", name: "kubelet" }]),
    },
  ];
}

export type PolicyHeader = Omit<PolicyObject, "spec">;

/** targetPolicies' objects without their specs, in the same order: known before any identity is. */
export function targetPolicyHeaders(edges: readonly AuthzEdge[]): PolicyHeader[] {
  return targetsOf(edges).flatMap((t): PolicyHeader[] => [
    { apiVersion: SERVER_API, kind: "Server", name: t },
    { apiVersion: POLICY_API, kind: "MeshTLSAuthentication", name: `${t}-callers` },
    { apiVersion: POLICY_API, kind: "AuthorizationPolicy", name: `${t}-callers` },
  ]);
}
