/**
 * Pure builders of a workload's Kubernetes objects (docs/architecture.md, "Workloads"):
 * the hardened pod, the Deployment with its rolling update and probes, the
 * Service, HPA, PDB and ServiceMonitor. Microservice wires them into resources;
 * tests call them directly.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { SERVICES, type ServiceName } from "../../services/topology";
import type { Topology } from "../authz/graph";
import { recommendedLabels, versionSelector } from "../labels";

type DeploymentSpec = k8s.types.input.apps.v1.DeploymentSpec;
type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Small enough for a laptop cluster; HPA targets a share of the CPU request. */
export const SERVICE_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "500m", memory: "256Mi" },
};

/** Pod-level hardening: non-root, fixed uid of the images, RuntimeDefault seccomp. */
export function podSecurityContext(uid = 10001, gid = 10001): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level hardening: read-only root, no escalation, no capabilities. */
export function containerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The service account a service's pods run as (its mesh identity): the service's own name. */
export function serviceAccountName(app: string): string {
  return app;
}

/** The per-version Services' names of a service that runs several versions, by version (fixed). */
export function versionServiceNames(app: ServiceName, topology: Topology = SERVICES): Record<string, string> {
  const versions = topology[app].versions;
  if (versions.length < 2) throw new Error(`${app} runs one version: it has no per-version Services`);
  return Object.fromEntries(versions.map((v) => [v, workloadName(app, v, true)]));
}

/** The name of a service's Deployment: the service, suffixed by version when it runs several. */
export function workloadName(app: string, version: string, versioned: boolean): string {
  return versioned ? `${app}-${version}` : app;
}

export interface DeploymentSpecArgs {
  readonly app: string;
  readonly version: string;
  readonly component: string;
  readonly port: number;
  readonly image: pulumi.Input<string>;
  readonly imagePullPolicy: "Always" | "IfNotPresent";
  /**
   * Fixed replica count; absent under an HPA, which then owns spec.replicas
   * (declaring it too would make server-side apply fight the autoscaler).
   */
  readonly replicas?: number;
  readonly env: pulumi.Input<EnvVar[]>;
  /** The container's command, in place of the image's ENTRYPOINT (the services': node with its flags, services/node-flags.ts); absent: the image's. */
  readonly command?: readonly string[];
  /** Arguments after the image's entrypoint (the load generator's flags); absent: none. */
  readonly args?: readonly string[];
  readonly serviceAccountName: string;
  readonly resources?: Resources;
  /** Annotations of the pod template (image id, mesh settings); a change rolls the pods. */
  readonly podAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Seconds Kubernetes waits after SIGTERM; the service drains within SHUTDOWN_TIMEOUT_MS below it. */
  readonly terminationGracePeriodSeconds?: number;
  /** Pod labels the selector holds besides app and version (Flagger's selector label on its target); absent: none. */
  readonly selectorLabels?: readonly string[];
  /** Read-only files besides /tmp (the load generator's trust in the edge's certificate); absent: none. */
  readonly configMapMounts?: readonly ConfigMapMount[];
}

/** A ConfigMap mounted read-only into the container. */
export interface ConfigMapMount {
  /** The volume's name. */
  readonly name: string;
  readonly configMap: pulumi.Input<string>;
  readonly mountPath: string;
}

/** The pod's own labels of these keys (a selector may only hold labels the pods carry). */
function podLabelsNamed(labels: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    keys.map((k) => {
      const value = labels[k];
      if (value === undefined) throw new Error(`the pods carry no label ${k} to select by`);
      return [k, value];
    }),
  );
}

/** Seconds the pod keeps serving after it is marked terminating, while endpoints update. */
export const PRE_STOP_SECONDS = 5;

export function deploymentSpec(args: DeploymentSpecArgs): DeploymentSpec {
  const labels = recommendedLabels({ app: args.app, version: args.version, component: args.component });
  return {
    ...(args.replicas === undefined ? {} : { replicas: args.replicas }),
    revisionHistoryLimit: 5,
    selector: { matchLabels: { ...versionSelector(args.app, args.version), ...podLabelsNamed(labels, args.selectorLabels ?? []) } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels, annotations: args.podAnnotations },
      spec: {
        serviceAccountName: args.serviceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: args.terminationGracePeriodSeconds ?? 30,
        securityContext: podSecurityContext(),
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: versionSelector(args.app, args.version) },
          },
        ],
        containers: [
          {
            name: args.app,
            image: args.image,
            imagePullPolicy: args.imagePullPolicy,
            ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
            ...(args.command ? { command: [...args.command] } : {}),
            ...(args.args ? { args: [...args.args] } : {}),
            env: args.env,
            resources: args.resources ?? SERVICE_RESOURCES,
            securityContext: containerSecurityContext(),
            startupProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
            livenessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
            readinessProbe: { httpGet: { path: "/readyz", port: "http" }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
            lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(args.configMapMounts ?? []).map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: true }))],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } }, ...(args.configMapMounts ?? []).map((m) => ({ name: m.name, configMap: { name: m.configMap } }))],
      },
    },
  };
}

/** A ClusterIP Service on the workload's named port `http`. */
export function serviceSpec(args: { readonly port: number; readonly selector: Record<string, string> }): k8s.types.input.core.v1.ServiceSpec {
  return {
    type: "ClusterIP",
    selector: args.selector,
    ports: [{ name: "http", port: args.port, targetPort: "http", protocol: "TCP", appProtocol: "http" }],
  };
}

export interface AutoscalingArgs {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCpuUtilization: number;
}

export function hpaSpec(target: string, a: AutoscalingArgs): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilization } } }],
  };
}

/** At most one pod of a version down at a time for voluntary disruptions (never blocks a drain). */
export function pdbSpec(selector: Record<string, string>): k8s.types.input.policy.v1.PodDisruptionBudgetSpec {
  return { maxUnavailable: 1, selector: { matchLabels: selector } };
}

/**
 * Scrapes /metrics through the app-wide Service only (per-version Services
 * carry a `version` label and are skipped, so no pod is scraped twice).
 * honorLabels keeps the services' own `service` and `version` labels.
 * `scrape` adds endpoint settings (a mesh's scheme and TLS).
 */
export function serviceMonitorSpec(app: string, namespace: string, scrape: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    selector: {
      matchLabels: { app },
      matchExpressions: [{ key: "version", operator: "DoesNotExist" }],
    },
    namespaceSelector: { matchNames: [namespace] },
    endpoints: [{ port: "http", path: "/metrics", interval: "15s", scrapeTimeout: "10s", honorLabels: true, ...scrape }],
  };
}
