/**
 * Istio's control plane: the istio-system namespace, then `base` (the CRDs
 * and cluster roles), `cni` (the node agent that redirects the pods' traffic,
 * in kube-system, so no pod needs a privileged istio-init and the shop's
 * namespace can enforce `restricted`), then `istiod` (control plane, CA,
 * sidecar injector, told to rely on the CNI plugin), as pinned Helm releases. Istio's custom resources depend on `crdRelease`;
 * workloads wait for `release` (the injector must be up before their pods).
 * No gateway chart: ingress-nginx stays the entry point (see values.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartSource } from "../../platform/charts";
import { POD_SECURITY } from "../../pod-security";
import { MESH_CHARTS } from "../charts";
import { ISTIO_NAMESPACE, istioBaseValues, istiodValues } from "./values";

export class IstioControlPlane extends pulumi.ComponentResource {
  /** `base`: installs Istio's CRDs. */
  public readonly crdRelease: k8s.helm.v3.Release;
  /** `cni`: the node agent that sets up each pod's traffic redirection. */
  public readonly cniRelease: k8s.helm.v3.Release;
  /** `istiod`: the control plane and its injection webhook. */
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: Record<string, never> = {}, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:mesh:IstioControlPlane", name, args, opts);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ISTIO_NAMESPACE, labels: POD_SECURITY.meshControlPlane } }, { parent: this });
    this.namespace = ns.metadata.name;
    this.crdRelease = new k8s.helm.v3.Release(
      `${name}-base`,
      { name: "istio-base", namespace: this.namespace, ...chartSource(MESH_CHARTS.istioBase), values: istioBaseValues(), timeout: 300 },
      { parent: this },
    );
    this.cniRelease = new k8s.helm.v3.Release(
      `${name}-cni`,
      { name: "istio-cni", namespace: "kube-system", ...chartSource(MESH_CHARTS.istioCni), values: {}, timeout: 300 },
      { parent: this, dependsOn: [this.crdRelease] },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-istiod`,
      { name: "istiod", namespace: this.namespace, ...chartSource(MESH_CHARTS.istiod), values: istiodValues(), timeout: 600 },
      { parent: this, dependsOn: [this.crdRelease, this.cniRelease] },
    );
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
