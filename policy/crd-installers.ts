/**
 * Which API groups are Kubernetes' own (every Pulumi type token
 * `@pulumi/kubernetes` 4.34.2 registers, plus its Helm, YAML and Kustomize
 * components), and, for the custom resource groups the shop uses, which
 * resource in the stack installs their CRDs. A fork adds a row to
 * CRD_INSTALLERS for a new group; a group without a row must still depend on
 * some CRD installer (a Helm release, a YAML ConfigFile/ConfigGroup, a
 * Kustomize directory, or a CustomResourceDefinition).
 */
import { kubeType, type KubeResource } from "./kube-objects";
import { chartName } from "./stack-mesh";

/** API groups (as Pulumi type tokens spell them: "core" for ""), and the provider's component pseudo-groups. */
export const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "apps",
  "auditregistration.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "coordination.k8s.io",
  "core",
  "discovery.k8s.io",
  "events.k8s.io",
  "extensions",
  "flowcontrol.apiserver.k8s.io",
  "helm.sh",
  "kustomize",
  "lifecycle.k8s.io",
  "meta",
  "networking.k8s.io",
  "node.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "resource.k8s.io",
  "scheduling.k8s.io",
  "settings.k8s.io",
  "storage.k8s.io",
  "storagemigration.k8s.io",
  "yaml",
]);

/** The group as written in the type token (`core` stays `core`), or undefined for other providers. */
function tokenGroup(type: string): string | undefined {
  const t = kubeType(type);
  if (!t) return undefined;
  return t.group === "" ? "core" : t.group;
}

/** A Kubernetes resource whose group is not one of Kubernetes' own: it needs a CRD. */
export function isCustomResource(r: KubeResource): boolean {
  const group = tokenGroup(r.type);
  return group !== undefined && !BUILTIN_GROUPS.has(group);
}

export function apiGroup(r: KubeResource): string {
  return kubeType(r.type)?.group ?? "";
}

const isRelease = (charts: readonly string[]) => (r: KubeResource) => r.type === "kubernetes:helm.sh/v3:Release" && charts.includes(chartName(r));
const isManifest = (pattern: RegExp) => (r: KubeResource) =>
  /^kubernetes:yaml(\/v2)?:Config(File|Group)$/.test(r.type) && pattern.test(JSON.stringify(r.props["file"] ?? r.props["files"] ?? ""));

/** What installs the CRDs of a group (a group suffix matches its subgroups: `istio.io` covers `security.istio.io`). */
export const CRD_INSTALLERS: readonly { readonly group: string; readonly installer: string; readonly installs: (r: KubeResource) => boolean }[] = [
  { group: "istio.io", installer: "the Istio `base` chart", installs: isRelease(["base"]) },
  { group: "linkerd.io", installer: "the `linkerd-crds` chart", installs: isRelease(["linkerd-crds"]) },
  { group: "gateway.networking.k8s.io", installer: "the Gateway API standard-install manifest", installs: isManifest(/gateway-api/) },
  { group: "cert-manager.io", installer: "the `cert-manager` chart (crds.enabled)", installs: isRelease(["cert-manager"]) },
  { group: "metallb.io", installer: "the `metallb` chart (its crds subchart)", installs: isRelease(["metallb"]) },
  { group: "monitoring.coreos.com", installer: "the `kube-prometheus-stack` chart (or `prometheus-operator-crds`)", installs: isRelease(["kube-prometheus-stack", "prometheus-operator-crds"]) },
];

/** Anything that can install CRDs, for a group without a row. */
export function isAnyCrdInstaller(r: KubeResource): boolean {
  return (
    r.type === "kubernetes:helm.sh/v3:Release" ||
    r.type === "kubernetes:helm.sh/v4:Chart" ||
    /^kubernetes:yaml(\/v2)?:Config(File|Group)$/.test(r.type) ||
    /^kubernetes:kustomize(\/v2)?:Directory$/.test(r.type) ||
    /^kubernetes:apiextensions\.k8s\.io\/[^:]+:CustomResourceDefinition$/.test(r.type)
  );
}

export function installerFor(group: string): (typeof CRD_INSTALLERS)[number] | undefined {
  return CRD_INSTALLERS.find((i) => group === i.group || group.endsWith(`.${i.group}`));
}
