/**
 * The shop's namespace with its guard rails: a ResourceQuota sized by the
 * caller (see quota.ts) and a LimitRange giving defaults to containers that
 * declare none (mesh sidecars and init containers) and capping any container.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "./labels";
import { POD_SECURITY } from "./pod-security";
import { SERVICE_RESOURCES } from "./workload/spec";

export interface AppNamespaceArgs {
  /** The namespace's name (a DNS label). */
  readonly name: pulumi.Input<string>;
  /** Extra labels (e.g. istio-injection: enabled). */
  readonly labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Annotations (e.g. linkerd.io/inject: enabled). */
  readonly annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The ResourceQuota's `hard` limits. */
  readonly quota: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The largest container the LimitRange admits (fits an Istio sidecar's defaults). */
export const CONTAINER_MAX = { cpu: "2", memory: "2Gi" };

export class AppNamespace extends pulumi.ComponentResource {
  /**
   * The namespace's name, resolved once the namespace, its quota and its limit
   * range exist: objects created with it are ordered after all three.
   */
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: AppNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:AppNamespace", name, args, opts);
    const labels = pulumi
      .output(args.labels ?? {})
      .apply((extra) => ({ "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": "pulumi", ...POD_SECURITY.shop, ...extra }));
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: args.name, labels, annotations: args.annotations } },
      { parent: this },
    );
    const meta = { name: PART_OF, namespace: ns.metadata.name, labels: { "app.kubernetes.io/part-of": PART_OF } };
    const quota = new k8s.core.v1.ResourceQuota(`${name}-quota`, { metadata: meta, spec: { hard: args.quota } }, { parent: this });
    const limits = new k8s.core.v1.LimitRange(
      `${name}-limits`,
      {
        metadata: meta,
        spec: {
          limits: [
            {
              type: "Container",
              default: { ...SERVICE_RESOURCES.limits },
              defaultRequest: { ...SERVICE_RESOURCES.requests },
              max: CONTAINER_MAX,
            },
          ],
        },
      },
      { parent: this },
    );
    this.name = pulumi.all([ns.metadata.name, quota.id, limits.id]).apply(([n]) => n);
    this.registerOutputs({ name: this.name });
  }
}
