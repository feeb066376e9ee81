/**
 * Linkerd's control plane, in order: the Gateway API CRDs (upstream
 * standard-install, pinned), `linkerd-crds`, `linkerd-control-plane` with the
 * program's identity certificates, then the `linkerd-viz` extension; each a
 * pinned edge release in its own namespace (Helm leaves namespaces to the
 * installer, so they are created here with the labels Linkerd expects).
 * Custom resources depend on `crdDependsOn`; workloads wait for `release`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { chartSource } from "../../platform/platform-charts";
import { gatewayApiCrds } from "../../edge/gateway-api-crds";
import { MESH_CHARTS } from "../mesh-charts";
import { LinkerdIdentity } from "./identity";
import {
  CONTROL_PLANE_NAMESPACE_ANNOTATIONS,
  CNI_NAMESPACE_LABELS,
  CONTROL_PLANE_NAMESPACE_LABELS,
  LINKERD_CNI_NAMESPACE,
  LINKERD_NAMESPACE,
  LINKERD_VIZ_NAMESPACE,
  VIZ_NAMESPACE_LABELS,
  linkerdControlPlaneValues,
  linkerdCrdsValues,
  linkerdVizValues,
  type LinkerdTracing,
} from "./linkerd-values";

export interface LinkerdControlPlaneArgs {
  /**
   * Apply the pinned Gateway API CRDs (standard channel); false leaves a
   * cluster's own alone (they must serve HTTPRoute v1: Gateway API ≥ v1.1.1).
   */
  readonly installGatewayApiCrds: boolean;
  /** The proxies' span export (a meshed collector); absent: no proxy tracing. */
  readonly tracing?: LinkerdTracing;
}

export class LinkerdControlPlane extends pulumi.ComponentResource {
  /** The Gateway API CRDs (HTTPRoute): HTTPRoutes depend on them; absent when the cluster brings its own. */
  public readonly gatewayApiCrds?: k8s.yaml.v2.ConfigFile;
  /** `linkerd-crds`: the policy.linkerd.io CRDs. */
  public readonly crdRelease: k8s.helm.v3.Release;
  /** `linkerd2-cni`: the node agent that sets up each pod's traffic redirection. */
  public readonly cniRelease: k8s.helm.v3.Release;
  /** `linkerd-control-plane`: identity, destination/policy, proxy injector. */
  public readonly release: k8s.helm.v3.Release;
  /** `linkerd-viz`: its Prometheus, tap and dashboard. */
  public readonly vizRelease: k8s.helm.v3.Release;

  constructor(name: string, args: LinkerdControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:mesh:LinkerdControlPlane", name, args, opts);
    // Kept on `pulumi destroy` (cluster-wide, other tenants may use them).
    if (args.installGatewayApiCrds) this.gatewayApiCrds = gatewayApiCrds(`${name}-gateway-api-crds`, this);
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: LINKERD_NAMESPACE, labels: CONTROL_PLANE_NAMESPACE_LABELS, annotations: CONTROL_PLANE_NAMESPACE_ANNOTATIONS } },
      { parent: this },
    );
    this.crdRelease = new k8s.helm.v3.Release(
      `${name}-crds`,
      { name: "linkerd-crds", namespace: ns.metadata.name, ...chartSource(MESH_CHARTS.linkerdCrds), values: linkerdCrdsValues(), timeout: 300 },
      { parent: this, dependsOn: this.gatewayApiCrds ? [this.gatewayApiCrds] : [] },
    );
    const cniNs = new k8s.core.v1.Namespace(`${name}-cni-ns`, { metadata: { name: LINKERD_CNI_NAMESPACE, labels: CNI_NAMESPACE_LABELS } }, { parent: this });
    this.cniRelease = new k8s.helm.v3.Release(
      `${name}-cni`,
      { name: "linkerd-cni", namespace: cniNs.metadata.name, ...chartSource(MESH_CHARTS.linkerdCni), values: {}, timeout: 300 },
      { parent: this },
    );
    const identity = new LinkerdIdentity(`${name}-identity`, {}, { parent: this });
    this.release = new k8s.helm.v3.Release(
      `${name}-control-plane`,
      {
        name: "linkerd-control-plane",
        namespace: ns.metadata.name,
        ...chartSource(MESH_CHARTS.linkerdControlPlane),
        values: linkerdControlPlaneValues({
          trustAnchorPem: identity.trustAnchorPem,
          issuerCertPem: identity.issuerCertPem,
          issuerKeyPem: identity.issuerKeyPem,
        }, args.tracing),
        timeout: 600,
      },
      { parent: this, dependsOn: [this.crdRelease, this.cniRelease] },
    );
    const vizNs = new k8s.core.v1.Namespace(`${name}-viz-ns`, { metadata: { name: LINKERD_VIZ_NAMESPACE, labels: VIZ_NAMESPACE_LABELS } }, { parent: this });
    this.vizRelease = new k8s.helm.v3.Release(
      `${name}-viz`,
      { name: "linkerd-viz", namespace: vizNs.metadata.name, ...chartSource(MESH_CHARTS.linkerdViz), values: linkerdVizValues(), timeout: 600 },
      { parent: this, dependsOn: [this.release] },
    );
    this.registerOutputs({ release: this.release.status, vizRelease: this.vizRelease.status });
  }
}
