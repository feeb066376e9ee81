/**
 * A Canary (payment's), and the MetricTemplates its analysis names (Linkerd's),
 * as custom resources after the Flagger release (their CRDs) and after the
 * target Deployment (Flagger copies it into the primary on first sight).
 * The specs come from canary-spec.ts and mesh-canary.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceName } from "../../../services/topology";
import { PART_OF } from "../../labels";
import type { NamedSpec } from "../istio/istio-policy-spec";
import { CANARY_API, canarySpec } from "./canary-spec";

export interface FlaggerCanaryArgs {
  readonly namespace: pulumi.Output<string>;
  readonly app: ServiceName;
  /** The mesh's spec.service for the namespace. */
  readonly service: (namespace: string) => Record<string, unknown>;
  readonly metrics: (namespace: string) => readonly Record<string, unknown>[];
  /** MetricTemplates the metrics name (none for Flagger's builtin checks). */
  readonly templates: readonly NamedSpec[];
  /** The Flagger release (the CRDs) and the target's workload. */
  readonly dependsOn: pulumi.Resource[];
}

export class FlaggerCanary extends pulumi.ComponentResource {
  public readonly canary: k8s.apiextensions.CustomResource;

  constructor(name: string, args: FlaggerCanaryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:mesh:FlaggerCanary", name, args, opts);
    const metadata = (objectName: string) => ({ name: objectName, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": PART_OF } });
    const templates = args.templates.map(
      (t) =>
        new k8s.apiextensions.CustomResource(
          `${name}-template-${t.name}`,
          { apiVersion: CANARY_API, kind: "MetricTemplate", metadata: metadata(t.name), spec: t.spec },
          { parent: this, dependsOn: args.dependsOn },
        ),
    );
    this.canary = new k8s.apiextensions.CustomResource(
      `${name}-canary`,
      {
        apiVersion: CANARY_API,
        kind: "Canary",
        metadata: metadata(args.app),
        spec: args.namespace.apply((ns) => canarySpec({ app: args.app, service: args.service(ns), metrics: args.metrics(ns) })),
      },
      { parent: this, dependsOn: [...args.dependsOn, ...templates] },
    );
    this.registerOutputs({});
  }
}
