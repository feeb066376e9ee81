/**
 * meshmart: one program, three stacks (dev, istio, linkerd). Reads like a table
 * of contents: config → mesh → platform → images → policy → workloads → outputs. What
 * differs between stacks lives in stacks/<stack>.ts; the building blocks in
 * infra/.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { authzEdges, LOAD_GENERATOR } from "./infra/authz/graph";
import { RegistryPullSecret } from "./infra/images/pull-secret";
import { ServiceImages } from "./infra/images/service-images";
import { EDGE_TLS_SECRET, EdgeTls, edgeNames } from "./infra/edge-tls";
import { ShopIngress } from "./infra/ingress";
import { EdgeGateway } from "./infra/edge/edge-gateway";
import { EDGE_GATEWAY_NAME, EDGE_GATEWAY_NAMESPACE } from "./infra/edge/gateway-routes-spec";
import { AppNamespace } from "./infra/namespace";
import { Observability } from "./infra/observability/observability";
import { DEFAULT_THRESHOLDS } from "./infra/observability/rules";
import { CertManager } from "./infra/platform/cert-manager";
import { IngressNginx, INGRESS_NAMESPACE } from "./infra/platform/ingress-nginx";
import { Jaeger } from "./infra/platform/jaeger";
import { GRAFANA_POD_LABELS, JAEGER_PORTS, JAEGER_QUERY_URL, jaegerDatasource, OTLP_HTTP_ENDPOINT } from "./infra/platform/jaeger-values";
import { KIALI_PEER, kialiRelease } from "./infra/observability/kiali";
import { ClosedNamespaceRelease } from "./infra/platform/closed-namespace-release";
import { collectorSenders } from "./infra/policy/collector-egress";
import { MetalLb } from "./infra/platform/metallb";
import { MetricsServer } from "./infra/platform/metrics-server";
import { DASHBOARD_FOLDER, DASHBOARD_LABEL, Monitoring } from "./infra/platform/monitoring";
import { addResources, quotaFor } from "./infra/quota";
import { memoryBytes, REDIS_POD_RESOURCES } from "./infra/redis/redis-spec";
import { Shop } from "./infra/shop-workloads";
import { edgeUrl, LoadGenerator, LOAD_GENERATOR_RESOURCES } from "./infra/workload/load-generator";
import { podBudgets, workloadPlan } from "./infra/workload/replica-plan";
import { SERVICE_RESOURCES } from "./infra/workload/spec";
import { SERVICE_NAMES, SERVICES } from "./services/topology";
import { bundleServices } from "./stacks/bundle";
import { externalRedis, loadConfig } from "./stacks/config";
import { STACK_PLANS } from "./stacks/stack-plans";
import { edgeOf } from "./stacks/mesh-inputs";
import * as outputs from "./stacks/outputs";
import { progressiveDelivery } from "./stacks/progressive-delivery";

// ── config ──────────────────────────────────────────────────────────────────
const { config, secrets } = loadConfig();
const plan = STACK_PLANS[config.mesh];
const provider = new k8s.Provider("k8s", {
  kubeconfig: config.kubernetes.kubeconfig,
  context: config.kubernetes.context,
  enableServerSideApply: true,
});
// A password the user did not set is generated, never defaulted; secret from the start.
const generated = (name: string) => pulumi.secret(new random.RandomPassword(name, { length: 32, special: false }).result);
const grafanaPassword = secrets.grafanaAdminPassword ?? generated("grafana-admin-password");
const redisPassword = secrets.redisPassword ?? generated("redis-password");

// ── mesh ────────────────────────────────────────────────────────────────────
// First: the ingress controller and Prometheus join the mesh too, so its
// injector must be up before their pods start.
const meshSetup = plan.installMesh({ config, provider });
// The edge: ingress-nginx, or the stack's Gateway API implementation (meshmart:edge).
const gatewayEdge = meshSetup.gatewayEdge;
const edge = edgeOf(meshSetup);

// ── platform ────────────────────────────────────────────────────────────────
// MetalLB's pool before the controller's LoadBalancer Service, which then waits for its address.
const metallb = config.loadBalancer.kind === "metallb" ? new MetalLb("metallb", { addresses: config.loadBalancer.addresses }, { provider }) : undefined;
const edgeTls = config.ingress.tls !== "off";
// ingress-nginx, unless the stack's Gateway API implementation is the edge.
const ingress = gatewayEdge
  ? undefined
  : new IngressNginx(
      "ingress-nginx",
      {
        namespace: INGRESS_NAMESPACE,
        className: config.ingress.className,
        serviceType: config.ingress.serviceType,
        nodePort: config.ingress.nodePort,
        httpsNodePort: config.ingress.httpsNodePort,
        defaultCertificate: edgeTls ? `${config.namespace}/${EDGE_TLS_SECRET}` : undefined,
        awaitLoadBalancer: metallb ? { after: metallb.config } : undefined,
        podLabels: meshSetup.ingress?.pods.labels,
        podAnnotations: meshSetup.ingress?.pods.annotations,
      },
      { provider, dependsOn: meshSetup.dependsOn },
    );
// Who may call whom (docs/architecture.md): every enforcement mechanism derives from it.
const edges = authzEdges(undefined, undefined, { loadGenerator: config.loadGenerator.enabled, tracing: config.tracing.enabled });
// The tracing backend after the mesh: in the linkerd stack its pod is meshed, so the injector must be up.
const tracing = config.tracing.enabled
  ? new Jaeger(
      "tracing",
      {
        namespaceAnnotations: meshSetup.tracingNamespaceAnnotations,
        clients: {
          shop: { namespace: config.namespace, apps: collectorSenders(edges) },
          otlpPorts: [JAEGER_PORTS.otlpHttp, ...(meshSetup.collectorPorts ?? [])],
          // In a mesh the edge's proxy (the ingress controller's, or the Gateway's) spans the edge's hop.
          edge: config.mesh !== "none" ? { namespace: edge.namespace, podLabels: edge.podLabels } : undefined,
          grafana: config.monitoring.enabled ? { peer: { namespace: config.monitoring.namespace, podLabels: GRAFANA_POD_LABELS }, port: JAEGER_PORTS.query } : undefined,
          kiali: config.kiali ? { peer: KIALI_PEER, port: JAEGER_PORTS.query } : undefined,
        },
      },
      { provider, dependsOn: meshSetup.dependsOn },
    )
  : undefined;
const certManager = config.ingress.tls === "cert-manager" ? new CertManager("cert-manager", {}, { provider }) : undefined;
if (config.metricsServer.enabled) {
  new MetricsServer("metrics-server", { kubeletInsecureTls: config.metricsServer.kubeletInsecureTls }, { provider });
}

// ── images and namespace ─────────────────────────────────────────────────────
if (config.images.bundle) bundleServices(__dirname);
const images = new ServiceImages("images", {
  services: config.loadGenerator.enabled ? [...SERVICE_NAMES, LOAD_GENERATOR] : SERVICE_NAMES,
  registry: { server: config.images.registryServer, username: config.images.registryUsername, password: secrets.registryPassword },
  repository: config.images.repository,
  tag: config.images.tag,
  push: config.images.push,
  context: ".",
  dockerfile: "services/Dockerfile",
  baseImage: config.images.baseImage,
  platform: config.images.platform,
});

const workloads = workloadPlan({
  replicas: config.workloads.replicas,
  maxReplicas: config.workloads.maxReplicas,
  targetCpuUtilization: config.workloads.targetCpuUtilization,
  // Flagger (meshmart:canary flagger) runs payment as one Deployment it rolls out; else the stack's split.
  canary: config.canary.mode === "flagger" ? "flagger" : plan.canary,
});
const perPod = meshSetup.podOverhead ? addResources(SERVICE_RESOURCES, meshSetup.podOverhead) : SERVICE_RESOURCES;
const redisPod = meshSetup.podOverhead ? addResources(REDIS_POD_RESOURCES, meshSetup.podOverhead) : REDIS_POD_RESOURCES;
const namespace = new AppNamespace(
  "namespace",
  {
    name: config.namespace,
    labels: meshSetup.namespaceLabels,
    annotations: meshSetup.namespaceAnnotations,
    quota: quotaFor([
      ...podBudgets(workloads, perPod),
      { count: 2, resources: redisPod },
      // The load generator: one pod, two during a rollout.
      ...(config.loadGenerator.enabled ? [{ count: 2, resources: meshSetup.podOverhead ? addResources(LOAD_GENERATOR_RESOURCES, meshSetup.podOverhead) : LOAD_GENERATOR_RESOURCES }] : []),
    ]),
  },
  { provider, dependsOn: meshSetup.dependsOn },
);
// Monitoring after the shop's namespace: the chart creates Grafana's Role there.
const monitoring = config.monitoring.enabled
  ? new Monitoring(
      "monitoring",
      {
        namespace: config.monitoring.namespace,
        grafanaAdminPassword: grafanaPassword,
        prometheusPod: meshSetup.prometheus?.pods,
        dashboardNamespaces: [namespace.name],
        extraDatasources: tracing ? [jaegerDatasource()] : undefined,
      },
      { provider, dependsOn: meshSetup.dependsOn },
    )
  : undefined;

// Kiali (meshmart:kiali, istio): the mesh's console, reading Prometheus and, with tracing, Jaeger.
if (config.kiali) {
  new ClosedNamespaceRelease("kiali", kialiRelease({ monitoringNamespace: config.monitoring.namespace, tracingQueryUrl: tracing ? JAEGER_QUERY_URL : undefined }), { provider, dependsOn: meshSetup.dependsOn });
}

// ── policy ──────────────────────────────────────────────────────────────────
// Before the workloads, which wait for it: the policy names them by their
// fixed names and never waits for them (in the linkerd stack the namespace
// denies by default, so a policy after the workloads would deadlock).
const policy = plan.applyPolicy({ config, provider, monitoring, ingress, namespace: namespace.name, edges, mesh: meshSetup });

// ── workloads ───────────────────────────────────────────────────────────────
// A private registry's credentials, for the pulls (the push uses them too, above).
const pullSecret =
  config.images.registryUsername !== undefined && secrets.registryPassword !== undefined
    ? new RegistryPullSecret(
        "registry-pull",
        { namespace: namespace.name, server: config.images.registryServer, username: config.images.registryUsername, password: secrets.registryPassword },
        { provider },
      )
    : undefined;

const shop = new Shop(
  "shop",
  {
    namespace: namespace.name,
    images,
    imagePullPolicy: "IfNotPresent",
    plan: workloads,
    upstreamTimeoutMs: config.workloads.upstreamTimeoutMs,
    upstreamRetries: config.workloads.upstreamRetries,
    logLevel: config.workloads.logLevel,
    faults: config.faults,
    paymentCanaryWeight: plan.canary === "client" ? config.canary.weight : undefined,
    tracing: tracing ? { otlpEndpoint: OTLP_HTTP_ENDPOINT, sampleRatio: config.tracing.sampleRatio } : undefined,
    podAnnotations: meshSetup.podAnnotations,
    serviceAnnotations: meshSetup.serviceAnnotations,
    imagePullSecrets: pullSecret ? [pullSecret.name] : undefined,
    redis: { image: config.redis.image, storage: config.redis.storage, storageClass: config.redis.storageClass, password: redisPassword, maxmemory: config.redis.maxmemory, external: externalRedis(config, secrets) },
    serviceMonitorDependsOn: monitoring ? [monitoring.release] : undefined,
    scrape: meshSetup.prometheus?.scrape,
  },
  { provider, dependsOn: [...meshSetup.dependsOn, ...policy] },
);

// ingress-nginx's certificate (the key a Pulumi secret), or cert-manager's Certificate after its release.
const edgeCertificate = edgeTls && ingress
  ? new EdgeTls(
      "edge-tls",
      {
        source: config.ingress.tls === "cert-manager" ? "cert-manager" : "self-signed",
        namespace: namespace.name,
        names: edgeNames(config.ingress.host, metallb ? ingress.balancerAddress : undefined),
        certManagerRelease: certManager?.release,
      },
      { provider },
    )
  : undefined;

if (ingress) {
  new ShopIngress(
    "ingress",
    {
      namespace: namespace.name,
      className: config.ingress.className,
      host: config.ingress.host,
      serviceName: shop.services.gateway.serviceName,
      servicePort: SERVICES.gateway.port,
      annotations: meshSetup.ingress?.ingressAnnotations,
      upstreamTimeoutMs: config.workloads.upstreamTimeoutMs,
      limits: { rps: config.ingress.rateLimitRps, connections: config.ingress.connectionLimit },
      // MetalLB gives the balancer an address, which the controller publishes on the Ingresses.
      skipAwait: config.ingress.serviceType === "LoadBalancer" && !metallb,
      tlsSecretName: edgeCertificate?.secretName,
    },
    // The controller's admission webhook must be up before an Ingress is accepted.
    { provider, dependsOn: [ingress.release] },
  );
}

// The Gateway API edge: its certificate beside the Gateway, the shop's HTTPRoutes to the gateway Service.
const edgeGateway = gatewayEdge
  ? new EdgeGateway(
      "edge-gateway",
      {
        implementation: gatewayEdge,
        gatewayName: EDGE_GATEWAY_NAME,
        gatewayNamespace: EDGE_GATEWAY_NAMESPACE,
        shopNamespace: { name: config.namespace, output: namespace.name },
        host: config.ingress.host,
        backend: { name: shop.services.gateway.serviceName, port: SERVICES.gateway.port },
        upstreamTimeoutMs: config.workloads.upstreamTimeoutMs,
        tls: edgeTls
          ? { source: config.ingress.tls === "cert-manager" ? "cert-manager" : "self-signed", names: edgeNames(config.ingress.host), certManagerRelease: certManager?.release }
          : undefined,
      },
      { provider },
    )
  : undefined;

// ── progressive delivery ─────────────────────────────────────────────────────
// meshmart:canary flagger: Flagger owns payment's Services and routes and rolls out each new template.
if (config.canary.mode === "flagger") progressiveDelivery({ config, provider, namespace: namespace.name, workloads: shop.services, dependsOn: meshSetup.dependsOn });

if (config.loadGenerator.enabled) {
  // Shoppers from inside the cluster, through the edge (the controller's Service), and nothing else.
  new LoadGenerator(
    "load-generator",
    {
      namespace: namespace.name,
      image: images.references[LOAD_GENERATOR]!,
      imagePullPolicy: "IfNotPresent",
      imagePullSecrets: pullSecret ? [pullSecret.name] : undefined,
      flags: {
        target: edgeUrl(edge, edgeTls),
        // With TLS, the certificate's name as Host and SNI (the Ingress's host, else localhost): what it verifies.
        host: edgeTls ? edgeNames(config.ingress.host).dnsNames[0] : config.ingress.host || undefined,
        rate: config.loadGenerator.rate,
        connectionLimit: config.ingress.connectionLimit,
      },
      podAnnotations: { ...meshSetup.podAnnotations, ...meshSetup.edgeClientPodAnnotations },
      // Self-signed: the certificate the program made (config refuses cert-manager's, which it cannot know).
      edgeCertificatePem: (edgeGateway ?? edgeCertificate)?.certificatePem,
    },
    { provider, dependsOn: [...meshSetup.dependsOn, ...policy] },
  );
}

if (monitoring) {
  new Observability(
    "observability",
    {
      namespace: namespace.name,
      dashboardLabel: DASHBOARD_LABEL,
      dashboardFolder: DASHBOARD_FOLDER,
      // The mesh's proxies are scraped by its PodMonitor (Istio's Envoy statistics, Linkerd's admin port)
      sources: { meshMetrics: config.mesh },
      redisExporter: externalRedis(config, secrets) === undefined,
      scrape: meshSetup.prometheus?.scrape,
      crdRelease: monitoring.release,
      thresholds: { ...DEFAULT_THRESHOLDS, redisMaxmemoryBytes: memoryBytes(config.redis.maxmemory) },
    },
    { provider },
  );
}

// ── outputs ─────────────────────────────────────────────────────────────────
export const stack = config.stack;
export const mesh = config.mesh;
export const namespaceName = config.namespace;
export const ingressUrl = (ingress?.balancerAddress ?? pulumi.output(undefined)).apply((address) => outputs.ingressUrl(config, address, edge));
export const grafanaPortForward = monitoring ? outputs.grafanaPortForward(config) : "monitoring is off";
export const prometheusPortForward = monitoring ? outputs.prometheusPortForward(config) : "monitoring is off";
/** `pulumi stack output --show-secrets grafanaAdminPassword` (generated unless configured). */
export const grafanaAdminPassword = monitoring ? pulumi.secret(grafanaPassword) : undefined;
export const imageDigests = images.digests;
export const imageReferences = images.references;
