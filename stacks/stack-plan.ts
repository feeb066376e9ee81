/**
 * What makes one stack differ from another: how payment's canary weight is
 * applied, what mesh is installed before the workloads, and how the
 * authorization graph is enforced after them. index.ts runs the same steps for
 * every stack and asks the stack's plan at each of them.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AuthzEdge } from "../infra/authz/graph";
import type { GatewayImplementation } from "../infra/edge/edge-gateway";
import type { IngressNginx } from "../infra/platform/ingress-nginx";
import type { Monitoring } from "../infra/platform/monitoring";
import type { CanaryMode } from "../infra/workload/replica-plan";
import type { Resources } from "../infra/workload/spec";
import type { ServiceName } from "../services/topology";
import type { StackConfig } from "./config";

/** What a mesh is installed with: it comes first, so the platform's pods can join it. */
export interface MeshContext {
  readonly config: StackConfig;
  readonly provider: k8s.Provider;
}

export interface PlatformContext extends MeshContext {
  /** Absent when monitoring is off. */
  readonly monitoring?: Monitoring;
  /** Absent with the Gateway API edge. */
  readonly ingress?: IngressNginx;
}

/** Pod metadata (and volumes) a platform chart's pods get to join the mesh. */
export interface MeshPodSettings {
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly volumes?: Record<string, unknown>[];
  readonly volumeMounts?: Record<string, unknown>[];
}

/** What the mesh asks of the workloads. */
export interface MeshSetup {
  /** Extra labels of the shop's namespace (e.g. istio-injection). */
  readonly namespaceLabels?: Record<string, string>;
  /** Annotations of the shop's namespace (e.g. linkerd.io/inject). */
  readonly namespaceAnnotations?: Record<string, string>;
  /** Annotations of every pod template (probe rewrite, metrics merging…). */
  readonly podAnnotations?: Record<string, string>;
  /** Per service, annotations of its Services (app-wide and per version), e.g. Linkerd's failure accrual. */
  readonly serviceAnnotations?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Annotations a pod of the shop that calls the edge (the load generator) needs besides podAnnotations. */
  readonly edgeClientPodAnnotations?: Record<string, string>;
  /** The injected proxy's per-pod requests/limits, added to the namespace's quota. */
  readonly podOverhead?: Resources;
  /** What the workloads and the meshed platform charts wait for (the control plane's releases). */
  readonly dependsOn: pulumi.Resource[];
  /** What the mesh's custom resources wait for: the releases (or manifests) installing their CRDs. */
  readonly crdDependsOn?: pulumi.Resource[];
  /** The Gateway API edge's implementation (meshmart:edge gateway-api); absent: ingress-nginx is the edge. */
  readonly gatewayEdge?: GatewayImplementation;
  /** How ingress-nginx joins the mesh: its controller pods, and annotations of the shop's Ingress. */
  readonly ingress?: { readonly pods: MeshPodSettings; readonly ingressAnnotations: Record<string, string> };
  /**
   * How Prometheus joins the mesh (its pod), and the scheme/TLS settings the
   * ServiceMonitors scrape with (absent: plain HTTP).
   */
  readonly prometheus?: { readonly pods: MeshPodSettings; readonly scrape?: Record<string, unknown> };
  /** Annotations of the tracing backend's namespace (Linkerd meshes it: its proxies export only to a meshed collector). */
  readonly tracingNamespaceAnnotations?: Record<string, string>;
  /**
   * Ports of the collector's pods the mesh needs besides the services'
   * OTLP/HTTP one: where the proxies export their own spans (OTLP/gRPC), and
   * where a meshed collector's proxy takes meshed connections.
   */
  readonly collectorPorts?: readonly number[];
}

/**
 * What the policy is made from. Deliberately not the Shop: the policy names
 * the workloads by their fixed names and comes before them, so it never waits
 * for the workloads it unblocks (a linkerd namespace denies by default).
 */
export interface PolicyContext extends PlatformContext {
  /** The shop's namespace (resolves once it, its quota and limit range exist). */
  readonly namespace: pulumi.Output<string>;
  readonly edges: readonly AuthzEdge[];
  readonly mesh: MeshSetup;
}

export interface StackPlan {
  /** "client": cart splits per request by the weight; "mesh": the mesh's weighted routing. */
  readonly canary: CanaryMode;
  /**
   * Installs the mesh (nothing in dev). Runs first: the ingress controller and
   * Prometheus are meshed too, so the injector must exist before their pods.
   */
  installMesh(ctx: MeshContext): MeshSetup;
  /**
   * Enforces the authorization graph (and the mesh's routing). Runs before the
   * workloads, which wait for what it returns.
   */
  applyPolicy(ctx: PolicyContext): pulumi.Resource[];
}
