/**
 * Pod Security Admission labels (Kubernetes pod-security.kubernetes.io/*):
 * a namespace enforces one Pod Security Standard and warns and audits
 * against a stricter one where its pods cannot meet that yet.
 */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export function podSecurityLabels(enforce: PodSecurityLevel, warn: PodSecurityLevel = enforce): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/warn": warn,
    "pod-security.kubernetes.io/audit": warn,
  };
}

/**
 * The level of each namespace the program creates. The shop's pods meet
 * `restricted` in every stack (the meshes' CNI plugins replace the
 * privileged init containers that would redirect traffic).
 */
export const POD_SECURITY = {
  /** The shop: every workload is the program's own. */
  shop: podSecurityLabels("restricted"),
  /** ingress-nginx's controller binds :80/:443 (NET_BIND_SERVICE). */
  ingress: podSecurityLabels("baseline", "restricted"),
  /**
   * The Gateway API edge's pods (Istio's provisioned gateway: a pod-level
   * sysctl to bind :80/:443 unprivileged, which baseline allows): baseline,
   * warned against restricted as ingress-nginx's.
   */
  gatewayEdge: podSecurityLabels("baseline", "restricted"),
  /** kube-prometheus-stack's node-exporter uses the host's network, PID namespace and paths. */
  monitoring: podSecurityLabels("privileged", "baseline"),
  /** A mesh's control plane (and linkerd-viz), whose proxies need no init container with the CNI plugin. */
  meshControlPlane: podSecurityLabels("baseline", "restricted"),
  /** The tracing backend (Jaeger): one hardened pod, meshed in the linkerd stack (its proxy needs no init container there either). */
  tracing: podSecurityLabels("restricted"),
  /** cert-manager: its controller, webhook, cainjector and startupapicheck pods meet restricted (chart values' securityContext). */
  certManager: podSecurityLabels("restricted"),
  /** MetalLB: its speaker uses the host's network and NET_RAW; MetalLB's install docs ask for privileged in all three modes. */
  metallb: podSecurityLabels("privileged"),
  /** A mesh's CNI plugin: a DaemonSet that writes the nodes' CNI configuration. */
  meshCni: podSecurityLabels("privileged"),
  /** Flagger's controller (meshmart:canary flagger): its container's securityContext meets restricted (infra/mesh/flagger/flagger-values.ts). */
  flagger: podSecurityLabels("restricted"),
  /** Kiali (meshmart:kiali): the chart's default container securityContext meets restricted. */
  kiali: podSecurityLabels("restricted"),
} as const;
