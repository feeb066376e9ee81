/**
 * The tracing backend: the `tracing` namespace (restricted), its
 * NetworkPolicies (only the span senders and Grafana get in:
 * ../policy/collector-ingress.ts) and Jaeger's pinned Helm release in it
 * (values: jaeger-values.ts). A mesh may label or
 * annotate the namespace (Linkerd meshes it: its proxies export spans only
 * to a meshed collector, over mTLS to its identity).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_SECURITY } from "../pod-security";
import { collectorIngressPolicies, type CollectorClients } from "../policy/collector-ingress";
import { NetworkPolicies } from "../policy/network-policies";
import { chartSource, CHARTS } from "./platform-charts";
import { JAEGER_POD_LABELS, JAEGER_RELEASE, TRACING_NAMESPACE, jaegerValues } from "./jaeger-values";

export interface JaegerArgs {
  /** Extra annotations of the namespace (linkerd.io/inject in the linkerd stack). */
  readonly namespaceAnnotations?: Record<string, string>;
  /** Who may reach Jaeger (the namespace's NetworkPolicies); Jaeger's own pod labels are filled in. */
  readonly clients: Omit<CollectorClients, "collector">;
}

export class Jaeger extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: JaegerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:Jaeger", name, args, opts);
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: TRACING_NAMESPACE, labels: POD_SECURITY.tracing, annotations: args.namespaceAnnotations } },
      { parent: this },
    );
    this.namespace = ns.metadata.name;
    // Before the release, so Jaeger never runs open to the whole cluster.
    const policy = new NetworkPolicies(
      `${name}-policy`,
      { namespace: this.namespace, policies: collectorIngressPolicies({ collector: JAEGER_POD_LABELS, ...args.clients }) },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      { name: JAEGER_RELEASE, namespace: this.namespace, ...chartSource(CHARTS.jaeger), values: jaegerValues(), timeout: 300 },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
