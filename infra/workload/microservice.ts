/**
 * One service of the shop as Kubernetes runs it: ServiceAccount, one hardened
 * Deployment per version track, the app-wide ClusterIP Service (selects every
 * version), per-version Services when there are several tracks (the meshes
 * route to them), an HPA and a PDB per track, and a ServiceMonitor. A
 * Flagger target (meshmart:canary flagger) has no Service of the program's:
 * Flagger makes them, and its selector holds Flagger's selector label.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_COMMAND } from "../../services/node-flags";
import { pullSecretRefs } from "../images/pull-secret";
import { FLAGGER_SELECTOR_LABEL } from "../mesh/flagger/flagger-values";
import { appLabels, appSelector, recommendedLabels, versionSelector } from "../labels";
import {
  deploymentSpec,
  hpaSpec,
  pdbSpec,
  serviceAccountName,
  serviceMonitorSpec,
  serviceSpec,
  workloadName,
  type AutoscalingArgs,
  type Resources,
} from "./spec";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface VersionTrack {
  /** "v1", "v2": SERVICE_VERSION, the `version` label and the Deployment's suffix when versioned. */
  readonly version: string;
  /** Replicas when the count is fixed; under an HPA (autoscaling set) the HPA owns the count. */
  readonly replicas: number;
  /** HPA bounds; absent: the replica count is fixed (the dev canary's ratio). */
  readonly autoscaling?: AutoscalingArgs;
  /** The container's environment for this track. */
  readonly env: pulumi.Input<EnvVar[]>;
  /** Flagger's target (meshmart:canary flagger): Flagger copies it and owns the app's Services. */
  readonly flagger?: true;
}

export interface MicroserviceArgs {
  /** Namespace of every object. */
  readonly namespace: pulumi.Input<string>;
  /** Service name (topology key): names the objects and labels the pods. */
  readonly app: string;
  /** app.kubernetes.io/component: "storefront", "api". */
  readonly component: string;
  /** Port the container listens on and the Services expose (named `http`). */
  readonly port: number;
  /** Image reference (a digest reference when pushed). */
  readonly image: pulumi.Input<string>;
  readonly imagePullPolicy: "Always" | "IfNotPresent";
  /** One entry per deployed version; several mean per-version Services too. */
  readonly tracks: readonly VersionTrack[];
  /** Secrets the service account pulls images with (a private registry). */
  readonly imagePullSecrets?: pulumi.Input<string>[];
  /** Pod template annotations (e.g. the image id, mesh settings). */
  readonly podAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Annotations of the app-wide and per-version Services (a mesh's per-destination settings). */
  readonly serviceAnnotations?: Record<string, string>;
  readonly resources?: Resources;
  /**
   * Scrape the service with a ServiceMonitor, created after these resources
   * (the release installing the ServiceMonitor CRD); absent: no ServiceMonitor.
   */
  readonly serviceMonitor?: {
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
    /** Extra endpoint settings (scheme, tlsConfig) when a mesh secures the scrape. */
    readonly scrape?: Record<string, unknown>;
  };
}

export class Microservice extends pulumi.ComponentResource {
  /** Name of the app-wide Service (DNS name inside the namespace). */
  public readonly serviceName: pulumi.Output<string>;
  /** Name of the ServiceAccount the pods run as (the mesh identity). */
  public readonly serviceAccountName: pulumi.Output<string>;
  /** Deployment names by version. */
  public readonly deploymentNames: Record<string, pulumi.Output<string>>;
  /** Per-version Service names by version (only when there are several tracks). */
  public readonly versionServiceNames: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: MicroserviceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:workload:Microservice", name, args, opts);
    if (args.tracks.length === 0) throw new Error(`${args.app}: at least one version track is required`);
    const versioned = args.tracks.length > 1;
    const meta = (objectName: string, labels: Record<string, string>) => ({ name: objectName, namespace: args.namespace, labels });
    const serviceMeta = (objectName: string, labels: Record<string, string>) => ({
      ...meta(objectName, labels),
      ...(args.serviceAnnotations ? { annotations: args.serviceAnnotations } : {}),
    });
    const common = appLabels({ app: args.app, component: args.component });
    // Flagger's target: Flagger makes the app's Services (apex, primary, canary), selecting by its label.
    const flagger = args.tracks.some((t) => t.flagger);

    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: meta(serviceAccountName(args.app), common), automountServiceAccountToken: false, imagePullSecrets: pullSecretRefs(args.imagePullSecrets) },
      { parent: this },
    );

    const service = flagger
      ? undefined
      : new k8s.core.v1.Service(
          `${name}-svc`,
          { metadata: serviceMeta(args.app, common), spec: serviceSpec({ port: args.port, selector: appSelector(args.app) }) },
          { parent: this },
        );

    this.deploymentNames = {};
    this.versionServiceNames = {};
    for (const track of args.tracks) {
      const labels = recommendedLabels({ app: args.app, version: track.version, component: args.component });
      const objectName = workloadName(args.app, track.version, versioned);
      const deployment = new k8s.apps.v1.Deployment(
        `${name}-${track.version}`,
        {
          metadata: meta(objectName, labels),
          spec: deploymentSpec({
            app: args.app,
            version: track.version,
            component: args.component,
            port: args.port,
            image: args.image,
            imagePullPolicy: args.imagePullPolicy,
            // node with the flags the bench measured, as the image's ENTRYPOINT has them
            command: SERVICE_COMMAND,
            // Under an HPA the autoscaler owns the count (it starts from its minimum).
            replicas: track.autoscaling ? undefined : track.replicas,
            env: track.env,
            serviceAccountName: serviceAccountName(args.app),
            resources: args.resources,
            podAnnotations: args.podAnnotations,
            selectorLabels: track.flagger ? [FLAGGER_SELECTOR_LABEL] : undefined,
          }),
        },
        { parent: this, dependsOn: [sa] },
      );
      this.deploymentNames[track.version] = deployment.metadata.name;

      if (versioned) {
        const versionService = new k8s.core.v1.Service(
          `${name}-svc-${track.version}`,
          { metadata: serviceMeta(objectName, labels), spec: serviceSpec({ port: args.port, selector: versionSelector(args.app, track.version) }) },
          { parent: this },
        );
        this.versionServiceNames[track.version] = versionService.metadata.name;
      }
      if (track.autoscaling) {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
          `${name}-hpa-${track.version}`,
          { metadata: meta(objectName, labels), spec: hpaSpec(objectName, track.autoscaling) },
          { parent: this, dependsOn: [deployment] },
        );
      }
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb-${track.version}`,
        { metadata: meta(objectName, labels), spec: pdbSpec(versionSelector(args.app, track.version)) },
        { parent: this },
      );
    }

    if (args.serviceMonitor) {
      new k8s.apiextensions.CustomResource(
        `${name}-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "ServiceMonitor",
          metadata: meta(args.app, common),
          spec: pulumi.output(args.namespace).apply((ns) => serviceMonitorSpec(args.app, ns, args.serviceMonitor?.scrape)),
        },
        { parent: this, dependsOn: args.serviceMonitor.dependsOn },
      );
    }

    // Flagger's apex Service has the app's name.
    this.serviceName = service ? service.metadata.name : pulumi.output(args.app);
    this.serviceAccountName = sa.metadata.name;
    this.registerOutputs({
      serviceName: this.serviceName,
      serviceAccountName: this.serviceAccountName,
      deploymentNames: this.deploymentNames,
      versionServiceNames: this.versionServiceNames,
    });
  }
}
