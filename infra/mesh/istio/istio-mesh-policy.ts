/**
 * The istio stack's policy, as custom resources before the workloads:
 * PeerAuthentication STRICT, the AuthorizationPolicies of the authorization
 * graph, and each service's DestinationRule and VirtualService (plus Redis's
 * DestinationRule); with monitoring, a PodMonitor for the sidecars' Envoy
 * statistics. Every resource depends on the release installing its CRD.
 * The specs come from istio-policy-spec.ts, traffic-spec.ts and istio-values.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_NAMES, type ServiceName } from "../../../services/topology";
import type { AuthzEdge } from "../../authz/graph";
import { PART_OF } from "../../labels";
import type { MeshPeers } from "../mesh-identities";
import type { MeshTimeouts, WeightedVersion } from "../route-numbers";
import { authorizationPolicySpecs, peerAuthenticationSpec } from "./istio-policy-spec";
import { externalRedisServiceEntrySpec, redisDestinationRuleSpec, trafficSpecs } from "./traffic-spec";
import { envoyPodMonitorSpec } from "./istio-values";

export interface IstioMeshPolicyArgs {
  /** The shop's namespace (resolves after it exists). */
  readonly namespace: pulumi.Output<string>;
  /** The authorization graph (authzEdges()). */
  readonly edges: readonly AuthzEdge[];
  /** Every party's identity. */
  readonly peers: MeshPeers;
  /** Redis's Service name. */
  readonly redisService: string;
  /** An external Redis instead (host, port, TLS): registered as a ServiceEntry, and no in-cluster Redis rule. */
  readonly externalRedis?: { readonly host: string; readonly port: number; readonly tls: boolean };
  readonly timeouts: MeshTimeouts;
  /** payment's split over its v1/v2 subsets. */
  readonly canary: readonly WeightedVersion[];
  /** The releases installing Istio's CRDs (and its validating webhook). */
  readonly crdReleases: pulumi.Resource[];
  /** The release installing the PodMonitor CRD; absent: monitoring is off. */
  readonly monitoringRelease?: pulumi.Resource;
  /** Services whose routing Flagger owns (meshmart:canary flagger): their VirtualService and DestinationRules are Flagger's; absent: none. */
  readonly flaggerRouted?: readonly ServiceName[];
}

const ISTIO_NETWORKING = "networking.istio.io/v1";
const ISTIO_SECURITY = "security.istio.io/v1";

export class IstioMeshPolicy extends pulumi.ComponentResource {
  constructor(name: string, args: IstioMeshPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:mesh:IstioMeshPolicy", name, args, opts);
    const labels = { "app.kubernetes.io/part-of": PART_OF };
    const custom = (id: string, apiVersion: string, kind: string, objectName: string, spec: pulumi.Input<Record<string, unknown>>, dependsOn = args.crdReleases) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${id}`,
        { apiVersion, kind, metadata: { name: objectName, namespace: args.namespace, labels }, spec },
        { parent: this, dependsOn },
      );

    custom("peer-authentication", ISTIO_SECURITY, "PeerAuthentication", "default", peerAuthenticationSpec());

    for (const policy of authorizationPolicySpecs(args.edges, args.peers)) {
      custom(`authz-${policy.name}`, ISTIO_SECURITY, "AuthorizationPolicy", policy.name, policy.spec);
    }

    const traffic = args.namespace.apply((ns) => trafficSpecs(ns, args.timeouts, args.canary));
    // trafficSpecs lists the services in SERVICE_NAMES order.
    for (const [i, service] of SERVICE_NAMES.entries()) {
      if (args.flaggerRouted?.includes(service)) continue;
      custom(`dr-${service}`, ISTIO_NETWORKING, "DestinationRule", service, traffic.apply((t) => t.destinationRules[i]!.spec));
      custom(`vs-${service}`, ISTIO_NETWORKING, "VirtualService", service, traffic.apply((t) => t.virtualServices[i]!.spec));
    }
    if (args.externalRedis) {
      // REGISTRY_ONLY forwards only to hosts the mesh knows: register the external Redis.
      custom("se-redis-external", ISTIO_NETWORKING, "ServiceEntry", "redis-external", externalRedisServiceEntrySpec(args.externalRedis));
    } else {
      custom(
        "dr-redis",
        ISTIO_NETWORKING,
        "DestinationRule",
        "redis",
        args.namespace.apply((ns) => redisDestinationRuleSpec(args.redisService, ns)),
      );
    }

    if (args.monitoringRelease) {
      custom("envoy-stats", "monitoring.coreos.com/v1", "PodMonitor", "envoy-stats", args.namespace.apply(envoyPodMonitorSpec), [
        ...args.crdReleases,
        args.monitoringRelease,
      ]);
    }
    this.registerOutputs({});
  }
}
