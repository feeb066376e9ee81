/**
 * A pinned Helm release in a namespace of its own that admits no
 * connection (Flagger's, Kiali's): the namespace with its Pod Security
 * labels, its deny-all-ingress NetworkPolicy, then the release, so the
 * release's pods never run open.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { DENY_INGRESS } from "../policy/deny-ingress";
import { NetworkPolicies } from "../policy/network-policies";
import { chartSource, type ChartRef } from "./platform-charts";

export interface ClosedNamespaceReleaseArgs {
  readonly namespace: string;
  readonly namespaceLabels: Record<string, string>;
  readonly release: string;
  readonly chart: ChartRef;
  readonly values: pulumi.Input<Record<string, unknown>>;
  /** Skip Helm's crds/ directory (the chart installs its CRDs as templates instead). */
  readonly skipCrds?: boolean;
}

export function closedNamespaceRelease(name: string, args: ClosedNamespaceReleaseArgs, parent: pulumi.Resource): k8s.helm.v3.Release {
  const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace, labels: args.namespaceLabels } }, { parent });
  const policy = new NetworkPolicies(`${name}-policy`, { namespace: ns.metadata.name, policies: [DENY_INGRESS] }, { parent });
  return new k8s.helm.v3.Release(
    `${name}-release`,
    {
      name: args.release,
      namespace: ns.metadata.name,
      ...chartSource(args.chart),
      values: args.values,
      ...(args.skipCrds ? { skipCrds: true } : {}),
      timeout: 300,
      cleanupOnFail: true,
    },
    { parent, dependsOn: [policy] },
  );
}
