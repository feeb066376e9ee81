/**
 * Which mesh a stack runs, inferred from the resources it declares (the pack
 * cannot read stack config): a control-plane Helm release (`istiod`,
 * `linkerd-control-plane`), or the shop namespace's injection mark
 * (`istio-injection: enabled` or an `istio.io/rev` label; the
 * `linkerd.io/inject: enabled` annotation), so a fork whose cluster already
 * runs the mesh is recognised too. Neither: no mesh (the dev stack).
 */
import { isKind, objectName, type KubeResource } from "./kube-objects";

export type Mesh = "istio" | "linkerd";

/** The chart's own name: `istiod` from `istiod`, `repo/istiod` or `oci://host/charts/istiod`. */
export function chartName(release: KubeResource): string {
  const chart = String(release.props["chart"] ?? "");
  return chart.slice(chart.lastIndexOf("/") + 1);
}

export function isHelmRelease(r: KubeResource): boolean {
  return r.type === "kubernetes:helm.sh/v3:Release";
}

export function meshesOf(resources: readonly KubeResource[], namespace: string): Set<Mesh> {
  const meshes = new Set<Mesh>();
  for (const r of resources) {
    if (isHelmRelease(r)) {
      const chart = chartName(r);
      if (chart === "istiod") meshes.add("istio");
      if (chart === "linkerd-control-plane") meshes.add("linkerd");
    }
    if (isKind(r.type, "", "Namespace") && objectName(r) === namespace) {
      const labels = (r.props["metadata"]?.["labels"] ?? {}) as Record<string, string>;
      const annotations = (r.props["metadata"]?.["annotations"] ?? {}) as Record<string, string>;
      if (labels["istio-injection"] === "enabled" || labels["istio.io/rev"] !== undefined) meshes.add("istio");
      if (annotations["linkerd.io/inject"] === "enabled") meshes.add("linkerd");
    }
  }
  return meshes;
}
