/**
 * meshmart:canary flagger, in the mesh stacks: the Flagger controller with
 * the stack's mesh as its router, and a Canary per service that runs
 * several versions in the topology (payment), after its target Deployment.
 * What each mesh puts in the Canary is infra/mesh/flagger/mesh-canary.ts;
 * the mesh policies leave those services' routes to Flagger (flaggerTargets,
 * stacks/istio.ts and stacks/linkerd.ts). The config allows flagger in the
 * mesh stacks only, with monitoring and the load generator on.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../services/topology";
import { istioMetrics, linkerdMetrics, linkerdMetricTemplates } from "../infra/mesh/flagger/canary-spec";
import { flaggerRelease } from "../infra/mesh/flagger/flagger";
import type { FlaggerProvider } from "../infra/mesh/flagger/flagger-values";
import { ClosedNamespaceRelease } from "../infra/platform/closed-namespace-release";
import { prometheusUrl } from "../infra/platform/monitoring";
import { istioCanaryService, linkerdCanaryService } from "../infra/mesh/flagger/mesh-canary";
import { FlaggerCanary } from "../infra/mesh/flagger/flagger-canary";
import type { NamedSpec } from "../infra/mesh/istio/istio-policy-spec";
import { failureAccrualServiceAnnotations } from "../infra/mesh/linkerd/failure-accrual";
import { meshTimeouts, type MeshTimeouts } from "../infra/mesh/route-numbers";
import type { Microservice } from "../infra/workload/microservice";
import type { Mesh, StackConfig } from "./config";

/** The services Flagger rolls out: those the topology runs in several versions (payment). */
export function flaggerTargets(config: StackConfig): ServiceName[] {
  return config.canary.mode === "flagger" ? SERVICE_NAMES.filter((s) => SERVICES[s].versions.length > 1) : [];
}

/** How a mesh stack's Canary is written. */
interface FlaggerMesh {
  readonly provider: FlaggerProvider;
  service(app: ServiceName, namespace: string, timeouts: MeshTimeouts): Record<string, unknown>;
  metrics(namespace: string): readonly Record<string, unknown>[];
  templates(prometheus: string): NamedSpec[];
}

export const FLAGGER_MESHES: Partial<Record<Mesh, FlaggerMesh>> = {
  istio: { provider: "istio", service: istioCanaryService, metrics: istioMetrics, templates: () => [] },
  linkerd: {
    provider: "gatewayapi:v1",
    service: (app, namespace, timeouts) => linkerdCanaryService(app, namespace, timeouts, failureAccrualServiceAnnotations()[app]),
    metrics: linkerdMetrics,
    templates: linkerdMetricTemplates,
  },
};

export interface ProgressiveDeliveryContext {
  readonly config: StackConfig;
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Output<string>;
  readonly workloads: { readonly [N in ServiceName]: Microservice };
  /** The mesh's control plane (Linkerd meshes Flagger's pod). */
  readonly dependsOn: pulumi.Resource[];
}

export function progressiveDelivery(ctx: ProgressiveDeliveryContext): ClosedNamespaceRelease {
  const mesh = FLAGGER_MESHES[ctx.config.mesh];
  if (!mesh) throw new Error(`meshmart:canary flagger has no router in the ${ctx.config.mesh} stack`);
  const flagger = new ClosedNamespaceRelease(
    "flagger",
    flaggerRelease({ meshProvider: mesh.provider, watchNamespace: ctx.config.namespace, monitoringNamespace: ctx.config.monitoring.namespace }),
    { provider: ctx.provider, dependsOn: ctx.dependsOn },
  );
  const timeouts = meshTimeouts(ctx.config.workloads.upstreamTimeoutMs);
  for (const app of flaggerTargets(ctx.config)) {
    new FlaggerCanary(
      `${app}-canary`,
      {
        namespace: ctx.namespace,
        app,
        service: (ns) => mesh.service(app, ns, timeouts),
        metrics: mesh.metrics,
        templates: mesh.templates(prometheusUrl(ctx.config.monitoring.namespace)),
        dependsOn: [flagger.release, ctx.workloads[app]],
      },
      { provider: ctx.provider },
    );
  }
  return flagger;
}
