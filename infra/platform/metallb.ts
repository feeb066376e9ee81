/**
 * MetalLB (meshmart:loadBalancer metallb): gives LoadBalancer Services an
 * address from a pool on clusters without a cloud controller (kind, bare
 * metal). Installed with helm.v3.Release, which also installs its CRDs (the
 * chart's `crds` subchart); the IPAddressPool and the L2Advertisement depend
 * on the release, so they come after the CRDs and the controller's webhook,
 * and go before the release on `pulumi destroy`. L2 mode only: no BGP, so
 * neither FRR nor FRR-K8s is deployed. The speaker uses the host's network
 * and NET_RAW, hence a privileged namespace (MetalLB's install docs).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../labels";
import { POD_SECURITY } from "../pod-security";
import { chartSource, CHARTS } from "./platform-charts";

export const METALLB_NAMESPACE = "metallb-system";
export const METALLB_RELEASE = "metallb";
/** The pool (and advertisement) the program declares. */
export const METALLB_POOL = PART_OF;

export interface MetalLbArgs {
  /** The pool's addresses: CIDRs or first-last ranges (validated by stacks/config.ts). */
  readonly addresses: readonly string[];
}

/** The chart's values (metallb chart 0.16.1 charts/metallb/values.yaml): L2 only, CRDs by the chart. */
export function metallbValues(): Record<string, unknown> {
  return {
    crds: { enabled: true },
    frrk8s: { enabled: false },
    speaker: { frr: { enabled: false } },
  };
}

export function ipAddressPoolSpec(addresses: readonly string[]): Record<string, unknown> {
  return { addresses: [...addresses], autoAssign: true };
}

export function l2AdvertisementSpec(): Record<string, unknown> {
  return { ipAddressPools: [METALLB_POOL] };
}

export class MetalLb extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  /** The pool and its advertisement: a LoadBalancer Service gets an address once both exist. */
  public readonly config: pulumi.Resource[];

  constructor(name: string, args: MetalLbArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:MetalLb", name, args, opts);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: METALLB_NAMESPACE, labels: POD_SECURITY.metallb } }, { parent: this });
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      { name: METALLB_RELEASE, namespace: ns.metadata.name, ...chartSource(CHARTS.metallb), values: metallbValues(), timeout: 600, cleanupOnFail: true },
      { parent: this },
    );
    const meta = { name: METALLB_POOL, namespace: METALLB_NAMESPACE, labels: { "app.kubernetes.io/part-of": PART_OF } };
    const pool = new k8s.apiextensions.CustomResource(
      `${name}-pool`,
      { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: meta, spec: ipAddressPoolSpec(args.addresses) },
      { parent: this, dependsOn: [this.release] },
    );
    const advertisement = new k8s.apiextensions.CustomResource(
      `${name}-l2`,
      { apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: meta, spec: l2AdvertisementSpec() },
      { parent: this, dependsOn: [this.release] },
    );
    this.config = [pool, advertisement];
    this.registerOutputs({ release: this.release.status });
  }
}
