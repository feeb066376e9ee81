/**
 * The load generator as a workload (meshmart:loadGenerator): shoppers'
 * journeys (services/load-generator) against the edge from inside the
 * cluster, so a fresh cluster's dashboards have traffic. It is a client, not
 * a service: its own ServiceAccount and one hardened Deployment (the
 * services' pod and container hardening, spec.ts), and no Service, HPA, PDB
 * or ServiceMonitor. It targets the ingress controller's in-cluster Service,
 * so it goes through the edge as a shopper does (the edge's limits, the
 * public API only), and the authorization graph lets it reach the edge and
 * nothing else (infra/authz/graph.ts).
 *
 * - One replica: the offered rate is per pod (two would double it), and
 *   nothing depends on it being up.
 * - Probes: its health port answers /healthz and /readyz while its scheduler
 *   ticks (a stalled generator is restarted); nothing else listens.
 * - No /metrics: what it sends shows in the gateway's metrics and the
 *   mesh's, and a scrape would be a way in that nobody needs.
 * - Resources: a Node process at a few requests a second; its limit bounds a
 *   runaway (the latency histograms are bounded, services/load-generator).
 * - HTTPS when the edge serves it (meshmart:edgeTls self-signed): it calls the
 *   edge's port 443 (its port 80 only redirects) and verifies the certificate.
 *   The program made that certificate, so it hands the load generator its
 *   public part: a ConfigMap in the shop's namespace (the key stays in the
 *   edge's Secret), mounted read-only, named by NODE_EXTRA_CA_CERTS, which
 *   Node reads once at start into the default trust every TLS connection
 *   uses (undici's included). A new certificate changes the pod template's
 *   checksum annotation, so the pod restarts and reads it. It sends the
 *   certificate's name as Host and SNI (the Ingress's host, else localhost)
 *   while connecting to the edge's in-cluster Service (docs/edge.md).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { LOAD_GENERATOR } from "../authz/graph";
import { pullSecretRefs } from "../images/pull-secret";
import { appLabels } from "../labels";
import { SERVICE_COMMAND } from "../../services/node-flags";
import { deploymentSpec, serviceAccountName, type ConfigMapMount, type Resources } from "./spec";

/** Its health port (the image's PORT, services/Dockerfile); nobody but the kubelet reaches it. */
export const LOAD_GENERATOR_PORT = 8089;

export const LOAD_GENERATOR_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "500m", memory: "128Mi" },
};

/** Journeys in flight at most: well under the edge's per-client connection limit. */
export const LOAD_GENERATOR_CONCURRENCY = 20;

export interface LoadGeneratorFlags {
  /** The edge's in-cluster URL (the controller Service). */
  readonly target: string;
  /** The Ingress's host, when it answers one host only. */
  readonly host?: string;
  /** Requests a second offered. */
  readonly rate: number;
  /** The edge's per-client connection limit: concurrency stays under it. */
  readonly connectionLimit: number;
}

/** The container's flags: run until stopped, plain progress lines (no terminal), probes on the health port. */
export function loadGeneratorArgs(f: LoadGeneratorFlags): string[] {
  return [
    "--target", f.target,
    ...(f.host ? ["--host", f.host] : []),
    "--rate", String(f.rate),
    "--duration", "0",
    "--users", "50",
    "--concurrency", String(Math.min(LOAD_GENERATOR_CONCURRENCY, f.connectionLimit)),
    "--health-port", String(LOAD_GENERATOR_PORT),
    "--progress-s", "30",
  ];
}

/**
 * The edge's in-cluster URL: its Service's port 443 in HTTPS when TLS is on,
 * else its port 80 (both edges' Services: ingress-nginx chart 4.15.1
 * controller.service.ports, the Gateway's listeners).
 */
export function edgeUrl(edge: { readonly service: string; readonly namespace: string }, tls: boolean): string {
  return `${tls ? "https" : "http"}://${edge.service}.${edge.namespace}.svc.cluster.local`;
}

/** The ConfigMap that holds the edge's certificate (public part only) for the load generator to trust. */
export const EDGE_CA_CONFIGMAP = `${LOAD_GENERATOR}-edge-ca`;
/** Its key, and where the container finds it. */
export const EDGE_CA_KEY = "ca.crt";
export const EDGE_CA_DIR = "/etc/meshmart/edge-ca";
/** The pod template's annotation that changes with the certificate (Node reads the file at start only). */
export const EDGE_CA_CHECKSUM_ANNOTATION = "meshmart.dev/edge-ca-checksum";

/** Node's extra trust: the file it adds to its root certificates at start (node --help: NODE_EXTRA_CA_CERTS). */
export function edgeCaEnv(): { name: string; value: string }[] {
  return [{ name: "NODE_EXTRA_CA_CERTS", value: `${EDGE_CA_DIR}/${EDGE_CA_KEY}` }];
}

const EDGE_CA_MOUNT: ConfigMapMount = { name: "edge-ca", configMap: EDGE_CA_CONFIGMAP, mountPath: EDGE_CA_DIR };

export interface LoadGeneratorArgs {
  readonly namespace: pulumi.Input<string>;
  readonly image: pulumi.Input<string>;
  readonly imagePullPolicy: "Always" | "IfNotPresent";
  readonly imagePullSecrets?: pulumi.Input<string>[];
  readonly flags: LoadGeneratorFlags;
  /** Pod template annotations (the mesh's, and its own for reaching the edge). */
  readonly podAnnotations?: Record<string, string>;
  readonly resources?: Resources;
  /** The edge's certificate (PEM) when the edge serves HTTPS with one the program made: the load generator trusts it. */
  readonly edgeCertificatePem?: pulumi.Input<string>;
}

export function loadGeneratorDeploymentSpec(a: Omit<LoadGeneratorArgs, "namespace" | "imagePullSecrets">): k8s.types.input.apps.v1.DeploymentSpec {
  return deploymentSpec({
    app: LOAD_GENERATOR,
    version: "v1",
    component: "load-generator",
    port: LOAD_GENERATOR_PORT,
    image: a.image,
    imagePullPolicy: a.imagePullPolicy,
    // node with the services' flags, as the image's ENTRYPOINT has them (the same image and runtime as the gateway)
    command: SERVICE_COMMAND,
    replicas: 1,
    env: a.edgeCertificatePem === undefined ? [] : edgeCaEnv(),
    args: loadGeneratorArgs(a.flags),
    serviceAccountName: serviceAccountName(LOAD_GENERATOR),
    resources: a.resources ?? LOAD_GENERATOR_RESOURCES,
    podAnnotations:
      a.edgeCertificatePem === undefined
        ? a.podAnnotations
        : pulumi.output(a.edgeCertificatePem).apply((pem) => ({ ...a.podAnnotations, [EDGE_CA_CHECKSUM_ANNOTATION]: createHash("sha256").update(pem).digest("hex") })),
    ...(a.edgeCertificatePem === undefined ? {} : { configMapMounts: [EDGE_CA_MOUNT] }),
  });
}

export class LoadGenerator extends pulumi.ComponentResource {
  constructor(name: string, args: LoadGeneratorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:workload:LoadGenerator", name, args, opts);
    const labels = appLabels({ app: LOAD_GENERATOR, component: "load-generator" });
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: { name: serviceAccountName(LOAD_GENERATOR), namespace: args.namespace, labels },
        automountServiceAccountToken: false,
        imagePullSecrets: pullSecretRefs(args.imagePullSecrets),
      },
      { parent: this },
    );
    // The edge's certificate, public part only: what the load generator verifies the edge by.
    const trust =
      args.edgeCertificatePem === undefined
        ? []
        : [
            new k8s.core.v1.ConfigMap(
              `${name}-edge-ca`,
              { metadata: { name: EDGE_CA_CONFIGMAP, namespace: args.namespace, labels }, data: { [EDGE_CA_KEY]: args.edgeCertificatePem } },
              { parent: this },
            ),
          ];
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      { metadata: { name: LOAD_GENERATOR, namespace: args.namespace, labels }, spec: loadGeneratorDeploymentSpec(args) },
      { parent: this, dependsOn: [sa, ...trust] },
    );
    this.registerOutputs({});
  }
}
