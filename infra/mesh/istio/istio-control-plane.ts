/**
 * Istio's control plane: the istio-system namespace, then `base` (the CRDs
 * and cluster roles), `cni` (the node agent that redirects the pods' traffic,
 * in kube-system, so no pod needs a privileged istio-init and the shop's
 * namespace can enforce `restricted`), then `istiod` (control plane, CA,
 * sidecar injector, told to rely on the CNI plugin), as pinned Helm releases. Istio's custom resources depend on `crdRelease`;
 * workloads wait for `release` (the injector must be up before their pods).
 * No gateway chart: the entry point is ingress-nginx (see istio-values.ts) or,
 * with the Gateway API edge, a Gateway that istiod itself provisions; then
 * the pinned Gateway API CRDs come before istiod (which watches them).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gatewayApiCrds } from "../../edge/gateway-api-crds";
import { chartSource } from "../../platform/platform-charts";
import { POD_SECURITY } from "../../pod-security";
import { MESH_CHARTS } from "../mesh-charts";
import { meshTelemetry, type IstioTracing } from "./tracing-spec";
import { ISTIO_NAMESPACE, istioBaseValues, istiodValues } from "./istio-values";

export interface IstioControlPlaneArgs {
  /** Proxy spans to this collector (an extension provider and a mesh-wide Telemetry); absent: no tracing. */
  readonly tracing?: IstioTracing;
  /** The Gateway API edge: istiod provisions its Gateway; installCrds applies the pinned Gateway API CRDs first. */
  readonly gatewayEdge?: { readonly installCrds: boolean };
}

export class IstioControlPlane extends pulumi.ComponentResource {
  /** `base`: installs Istio's CRDs. */
  public readonly crdRelease: k8s.helm.v3.Release;
  /** `cni`: the node agent that sets up each pod's traffic redirection. */
  public readonly cniRelease: k8s.helm.v3.Release;
  /** `istiod`: the control plane and its injection webhook. */
  public readonly release: k8s.helm.v3.Release;
  /** The Gateway API CRDs (gatewayEdge with installCrds); kept on destroy. */
  public readonly gatewayApiCrds?: k8s.yaml.v2.ConfigFile;
  public readonly namespace: pulumi.Output<string>;
  /** The mesh-wide Telemetry turning proxy tracing on; absent without tracing. */
  public readonly telemetry?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: IstioControlPlaneArgs = {}, opts?: pulumi.ComponentResourceOptions) {
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
    if (args.gatewayEdge?.installCrds) this.gatewayApiCrds = gatewayApiCrds(`${name}-gateway-api-crds`, this);
    this.release = new k8s.helm.v3.Release(
      `${name}-istiod`,
      { name: "istiod", namespace: this.namespace, ...chartSource(MESH_CHARTS.istiod), values: istiodValues(args.tracing, args.gatewayEdge !== undefined), timeout: 600 },
      { parent: this, dependsOn: [this.crdRelease, this.cniRelease, ...(this.gatewayApiCrds ? [this.gatewayApiCrds] : [])] },
    );
    if (args.tracing) {
      // Its CRD comes with `base`; the provider it names with istiod's mesh config.
      this.telemetry = new k8s.apiextensions.CustomResource(`${name}-telemetry`, meshTelemetry(args.tracing), {
        parent: this,
        dependsOn: [this.crdRelease, this.release],
      });
    }
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
