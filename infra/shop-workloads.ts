/**
 * The shop's workloads: Redis and one Microservice per service of the
 * topology, each with the environment the topology implies (its upstreams'
 * URLs, Redis for the services that keep state).
 */
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../services/topology";
import { IMAGE_ANNOTATION } from "./images/reference";
import { Redis, type ExternalRedisArgs } from "./redis/shop-redis";
import { serviceEnv, type FaultRates, type TracingEnv } from "./workload/env";
import { Microservice } from "./workload/microservice";
import type { WorkloadPlan } from "./workload/replica-plan";

export interface ShopArgs {
  /** The namespace (AppNamespace.name: objects are created after it). */
  readonly namespace: pulumi.Output<string>;
  /** Per service: the image reference its pods run, and the built image's digest (or local id). */
  readonly images: {
    readonly references: Readonly<Record<string, pulumi.Input<string>>>;
    readonly digests: Readonly<Record<string, pulumi.Input<string>>>;
  };
  readonly imagePullPolicy: "Always" | "IfNotPresent";
  /** Replicas and autoscaling per service and version. */
  readonly plan: WorkloadPlan;
  readonly upstreamTimeoutMs: number;
  readonly upstreamRetries: number;
  readonly logLevel: string;
  readonly faults: FaultRates;
  /**
   * Without a mesh: percent of payments cart sends to v2, choosing per charge
   * between payment-v1 and payment-v2's Services. Absent: a mesh splits.
   */
  readonly paymentCanaryWeight?: number;
  /** The services' span export and sampling (absent: tracing off). */
  readonly tracing?: TracingEnv;
  /** Annotations every pod gets (mesh settings). */
  readonly podAnnotations?: Record<string, string>;
  /** Per service, annotations of its Services (a mesh's per-destination settings); absent: none. */
  readonly serviceAnnotations?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Secrets every service account pulls images with (a private registry); absent: none. */
  readonly imagePullSecrets?: pulumi.Input<string>[];
  readonly redis: {
    readonly image: pulumi.Input<string>;
    readonly storage: pulumi.Input<string>;
    readonly storageClass?: pulumi.Input<string>;
    /** A Pulumi secret: every ACL user's password derives from it. */
    readonly password: pulumi.Input<string>;
    /** maxmemory (noeviction); absent: infra/redis/redis-spec.ts DEFAULT_MAXMEMORY. */
    readonly maxmemory?: string;
    /** An external (managed) Redis instead of the StatefulSet. */
    readonly external?: ExternalRedisArgs;
  };
  /** Create ServiceMonitors after these (the release installing their CRD); absent: none. */
  readonly serviceMonitorDependsOn?: pulumi.Resource[];
  /** Extra ServiceMonitor endpoint settings (a mesh's scheme and TLS). */
  readonly scrape?: Record<string, unknown>;
}

/** Largest request body the services accept (413 beyond). */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** How long a service drains on SIGTERM: well inside the pods' 30 s grace period. */
export const SHUTDOWN_TIMEOUT_MS = 20_000;

export class Shop extends pulumi.ComponentResource {
  public readonly redis: Redis;
  public readonly services: { readonly [N in ServiceName]: Microservice };

  constructor(name: string, args: ShopArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:workload:Shop", name, args, opts);
    this.redis = new Redis(
      `${name}-redis`,
      {
        namespace: args.namespace,
        password: args.redis.password,
        image: args.redis.image,
        storage: args.redis.storage,
        storageClass: args.redis.storageClass,
        maxmemory: args.redis.maxmemory,
        external: args.redis.external,
        imagePullSecrets: args.imagePullSecrets,
      },
      { parent: this },
    );
    const redisRef = pulumi.all([args.namespace, this.redis.url, this.redis.secretName]);
    const services = {} as Record<ServiceName, Microservice>;
    for (const service of SERVICE_NAMES) {
      const spec = SERVICES[service];
      const reference = args.images.references[service];
      const digest = args.images.digests[service];
      if (reference === undefined || digest === undefined) throw new Error(`no image was built for ${service}`);
      services[service] = new Microservice(
        `${name}-${service}`,
        {
          namespace: args.namespace,
          app: service,
          component: spec.public ? "storefront" : "api",
          port: spec.port,
          image: reference,
          imagePullPolicy: args.imagePullPolicy,
          // A new image, or (for Redis's clients) a new Redis password, rolls the pods.
          podAnnotations: pulumi
            .all([digest, spec.redis ? this.redis.checksumAnnotation : {}])
            .apply(([id, checksum]) => ({ ...args.podAnnotations, [IMAGE_ANNOTATION]: id, ...checksum })),
          imagePullSecrets: args.imagePullSecrets,
          serviceAnnotations: args.serviceAnnotations?.[service],
          tracks: args.plan[service].map((track) => ({
            ...track,
            env: redisRef.apply(([namespace, url, secretName]) =>
              serviceEnv({
                name: service,
                version: track.version,
                namespace,
                upstreamTimeoutMs: args.upstreamTimeoutMs,
                upstreamRetries: args.upstreamRetries,
                logLevel: args.logLevel,
                bodyLimitBytes: BODY_LIMIT_BYTES,
                shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
                faults: args.faults,
                paymentCanaryWeight: args.paymentCanaryWeight,
                tracing: args.tracing,
                redis: { url, secretName },
              }),
            ),
          })),
          serviceMonitor: args.serviceMonitorDependsOn ? { dependsOn: args.serviceMonitorDependsOn, scrape: args.scrape } : undefined,
        },
        // Redis users start once Redis's Service and Secret exist (readiness would wait anyway).
        { parent: this, dependsOn: spec.redis ? [this.redis] : [] },
      );
    }
    this.services = services;
    this.registerOutputs({ redis: this.redis.serviceName });
  }
}
