/**
 * The linkerd stack's policy, as custom resources before the workloads: per
 * target Server + MeshTLSAuthentication + AuthorizationPolicy, the proxies'
 * admin-port policy for linkerd-viz (and the platform's Prometheus), and two
 * HTTPRoutes per service (GET retried, everything timed out; payment split
 * 95/5 across its version Services); with monitoring, a PodMonitor for the
 * proxies' own metrics. Every resource depends on the releases/manifests
 * installing its CRDs. The specs come from linkerd-policy-spec.ts, http-route-spec.ts and
 * proxy-monitor.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../../../services/topology";
import type { AuthzEdge } from "../../authz/graph";
import { PART_OF } from "../../labels";
import type { MeshPeers } from "../mesh-identities";
import type { MeshTimeouts, WeightedVersion } from "../route-numbers";
import { proxyAdminPolicies, targetPolicies } from "./linkerd-policy-spec";
import { proxyPodMonitorSpec } from "./proxy-monitor";
import { LINKERD_NAMESPACE } from "./linkerd-values";
import { allServiceRoutes, canaryBackends, routeHeaders } from "./http-route-spec";

export interface LinkerdMeshPolicyArgs {
  readonly namespace: pulumi.Output<string>;
  /** The authorization graph (authzEdges()). */
  readonly edges: readonly AuthzEdge[];
  readonly peers: MeshPeers;
  readonly timeouts: MeshTimeouts;
  /** payment's split, and its per-version Services by version. */
  readonly canary: readonly WeightedVersion[];
  readonly versionServices: Readonly<Record<string, string>>;
  /** What installs the CRDs (Gateway API, linkerd-crds) and the policy controller. */
  readonly crdDependsOn: pulumi.Resource[];
  /** The release installing the PodMonitor CRD; absent: monitoring is off. */
  readonly monitoringRelease?: pulumi.Resource;
  /** Services whose routing Flagger owns (meshmart:canary flagger): their HTTPRoute is Flagger's; absent: none. */
  readonly flaggerRouted?: readonly ServiceName[];
}

const ROUTE_API = "gateway.networking.k8s.io/v1";
const kebab = (kind: string) => kind.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();

export class LinkerdMeshPolicy extends pulumi.ComponentResource {
  constructor(name: string, args: LinkerdMeshPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:mesh:LinkerdMeshPolicy", name, args, opts);
    const labels = { "app.kubernetes.io/part-of": PART_OF };
    const create = (o: { apiVersion: string; kind: string; name: string }, spec: pulumi.Input<Record<string, unknown>>, annotations?: Record<string, string>, dependsOn = args.crdDependsOn) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${kebab(o.kind)}-${o.name}`,
        { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: args.namespace, labels, annotations }, spec },
        { parent: this, dependsOn },
      );

    for (const o of [...targetPolicies(args.edges, args.peers), ...proxyAdminPolicies(args.peers)]) create(o, o.spec);

    const flaggers = new Set((args.flaggerRouted ?? []).flatMap((s) => routeHeaders(s, args.timeouts).map((r) => r.name)));
    for (const route of allServiceRoutes(args.timeouts, canaryBackends(args.canary, args.versionServices)).filter((r) => !flaggers.has(r.name))) {
      create({ apiVersion: ROUTE_API, kind: "HTTPRoute", name: route.name }, route.spec, route.annotations);
    }
    if (args.monitoringRelease) {
      create(
        { apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor", name: "linkerd-proxy" },
        args.namespace.apply((ns) => proxyPodMonitorSpec(ns, LINKERD_NAMESPACE)),
        undefined,
        [...args.crdDependsOn, args.monitoringRelease],
      );
    }
    this.registerOutputs({});
  }
}
