/**
 * The meshes' pinned releases. Separate from the platform's CHARTS (every
 * stack installs those; a mesh stack installs only its own mesh).
 *
 * Istio 1.30.3: the newest patch of the newest minor (1.31 was still in
 * release candidates) at the time of pinning; charts `base` and `istiod` from
 * the istio-release repository share the release's version.
 *
 * Linkerd edge-26.8.3 (Linkerd 2.20 line): edge charts are versioned
 * `YYYY.M.N` for edge-YY.M.N (bin/compute-edge-version upstream). Its CRDs
 * serve policy.linkerd.io Server v1beta3, AuthorizationPolicy /
 * MeshTLSAuthentication / NetworkAuthentication v1alpha1, and it reads
 * retry.linkerd.io/* and timeout.linkerd.io/* annotations on
 * gateway.networking.k8s.io HTTPRoutes. It needs Kubernetes >= 1.31.
 *
 * Gateway API v1.5.1 (standard channel): the version edge-26.8.3's
 * `linkerd check` tells users to install (its minimum is v1.1.1, whose
 * HTTPRoute serves v1). Linkerd no longer owns these CRDs, and the copy its
 * linkerd-crds chart could install (installGatewayAPI) is v1.1.1
 * experimental; so the program applies the upstream standard-install itself,
 * pinned, as its own resource, never deletes it (other tenants may use the
 * CRDs), and leaves a cluster's own CRDs alone when told to.
 */
import type { ChartRef } from "../platform/platform-charts";

const ISTIO_REPO = "https://istio-release.storage.googleapis.com/charts";
const LINKERD_EDGE_REPO = "https://helm.linkerd.io/edge";

export const ISTIO_VERSION = "1.30.3";
export const LINKERD_EDGE_RELEASE = "edge-26.8.3";
export const LINKERD_CHART_VERSION = "2026.8.3";

export const MESH_CHARTS = {
  istioBase: { chart: "base", version: ISTIO_VERSION, repo: ISTIO_REPO },
  istiod: { chart: "istiod", version: ISTIO_VERSION, repo: ISTIO_REPO },
  /** istio-cni: redirects the pods' traffic from a node agent, so no pod needs a privileged istio-init. */
  istioCni: { chart: "cni", version: ISTIO_VERSION, repo: ISTIO_REPO },
  linkerdCrds: { chart: "linkerd-crds", version: LINKERD_CHART_VERSION, repo: LINKERD_EDGE_REPO },
  linkerdControlPlane: { chart: "linkerd-control-plane", version: LINKERD_CHART_VERSION, repo: LINKERD_EDGE_REPO },
  linkerdViz: { chart: "linkerd-viz", version: LINKERD_CHART_VERSION, repo: LINKERD_EDGE_REPO },
  /** linkerd2-cni: the same for Linkerd (no linkerd-init with NET_ADMIN in any pod). */
  linkerdCni: { chart: "linkerd2-cni", version: LINKERD_CHART_VERSION, repo: LINKERD_EDGE_REPO },
  /** Flagger 1.44.0 with its CRDs (meshmart:canary flagger), routing with either mesh. */
  flagger: { chart: "flagger", version: "1.44.0", repo: "https://flagger.app" },
  /** Kiali v2.29.0, the server chart (meshmart:kiali, the istio stack). */
  kiali: { chart: "kiali-server", version: "2.29.0", repo: "https://kiali.org/helm-charts" },
} as const satisfies Record<string, ChartRef>;

export const GATEWAY_API_VERSION = "v1.5.1";
/** The upstream standard-channel CRDs (GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant). */
export const GATEWAY_API_CRDS_URL = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`;
