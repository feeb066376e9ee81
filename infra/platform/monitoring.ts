/**
 * kube-prometheus-stack: Prometheus Operator (and its CRDs), Prometheus,
 * Alertmanager and Grafana. Prometheus selects every ServiceMonitor and
 * PrometheusRule in the cluster (not only the chart's own, which it would by
 * default); Grafana's admin password comes from a Secret, never from values;
 * Grafana's sidecar loads dashboards from ConfigMaps labelled
 * grafana_dashboard: "1" in its own namespace and the shop's, with a Role in
 * each (never a ClusterRole over every Secret).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DASHBOARD_FILE } from "../observability/dashboard";
import { POD_SECURITY } from "../pod-security";
import { chartSource, CHARTS } from "./platform-charts";

/** Metadata and extra volumes of the Prometheus pod (how a mesh joins or equips it). */
export interface PrometheusPodSettings {
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly volumes?: Record<string, unknown>[];
  readonly volumeMounts?: Record<string, unknown>[];
}

export interface MonitoringArgs {
  readonly namespace: string;
  /** Grafana's admin password (a Pulumi secret). */
  readonly grafanaAdminPassword: pulumi.Input<string>;
  readonly prometheusPod?: PrometheusPodSettings;
  /**
   * Namespaces besides its own whose dashboard ConfigMaps Grafana loads (the
   * shop's). The chart creates a Role in each, so the release waits for them.
   */
  readonly dashboardNamespaces: pulumi.Input<string>[];
  /**
   * Grafana datasources besides the default Prometheus (a tracing backend,
   * when one is installed): Grafana's provisioning entries (name, type, uid,
   * url, access…), passed to kube-prometheus-stack's
   * grafana.additionalDataSources. None by default.
   */
  readonly extraDatasources?: readonly Record<string, unknown>[];
}

export const RELEASE_NAME = "kube-prometheus-stack";
/** fullnameOverride: keeps the chart's object names short and predictable. */
export const FULLNAME = "kps";
export const PROMETHEUS_SERVICE = `${FULLNAME}-prometheus`;
/** Prometheus's query port on that Service (kube-prometheus-stack 88.5.3 values.yaml prometheus.service.port). */
export const PROMETHEUS_PORT = 9090;

/** The stack's Prometheus as in-cluster clients (Flagger, Kiali) address it. */
export function prometheusUrl(monitoringNamespace: string): string {
  return `http://${PROMETHEUS_SERVICE}.${monitoringNamespace}.svc.cluster.local:${PROMETHEUS_PORT}`;
}
/** Prometheus's service account: its identity in a mesh. */
export const PROMETHEUS_SERVICE_ACCOUNT = `${FULLNAME}-prometheus`;
export const GRAFANA_SERVICE = "grafana";
/** Labels of the Prometheus pods (set by the operator): NetworkPolicies admit scrapes from them. */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus" };
/** How Grafana's sidecar finds dashboards. */
export const DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" };
/**
 * The annotation Grafana's sidecar reads a dashboard's folder from, and the
 * shop's folder: the sidecar writes the ConfigMap's files under
 * <sidecar folder>/<annotation value>/ (k8s-sidecar src/resources.py
 * _get_destination_folder), and Grafana makes folders of those directories
 * (provider.foldersFromFilesStructure).
 */
export const DASHBOARD_FOLDER = { annotation: "grafana_folder", name: "meshmart" };
/** Where the grafana chart's dashboards sidecar writes what it collects (sidecar.dashboards.folder, its default). */
export const SIDECAR_DASHBOARD_DIR = "/tmp/dashboards";
/** The file Grafana opens as its home dashboard: the shop's, as the sidecar writes it. */
export const HOME_DASHBOARD_PATH = `${SIDECAR_DASHBOARD_DIR}/${DASHBOARD_FOLDER.name}/${DASHBOARD_FILE}`;
const ADMIN_USER_KEY = "admin-user";
const ADMIN_PASSWORD_KEY = "admin-password";

/** The prometheusSpec fields a pod setting maps to (only those given). */
function prometheusPodSpec(pod: PrometheusPodSettings | undefined): Record<string, unknown> {
  if (!pod) return {};
  const metadata = { ...(pod.labels ? { labels: pod.labels } : {}), ...(pod.annotations ? { annotations: pod.annotations } : {}) };
  return {
    ...(Object.keys(metadata).length > 0 ? { podMetadata: metadata } : {}),
    ...(pod.volumes ? { volumes: pod.volumes } : {}),
    ...(pod.volumeMounts ? { volumeMounts: pod.volumeMounts } : {}),
  };
}

export function monitoringValues(
  adminSecretName: string,
  prometheusPod: PrometheusPodSettings | undefined,
  namespaces: { readonly own: string; readonly dashboards: readonly string[] },
  extraDatasources: readonly Record<string, unknown>[] = [],
): Record<string, unknown> {
  return {
    fullnameOverride: FULLNAME,
    crds: { enabled: true },
    prometheus: {
      serviceAccount: { create: true, name: PROMETHEUS_SERVICE_ACCOUNT },
      prometheusSpec: {
        ...prometheusPodSpec(prometheusPod),
        serviceMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelector: {},
        serviceMonitorNamespaceSelector: {},
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        ruleSelector: {},
        ruleNamespaceSelector: {},
        retention: "2d",
        resources: { requests: { cpu: "200m", memory: "512Mi" } },
      },
    },
    alertmanager: { alertmanagerSpec: { resources: { requests: { cpu: "20m", memory: "64Mi" } } } },
    grafana: {
      fullnameOverride: GRAFANA_SERVICE,
      admin: { existingSecret: adminSecretName, userKey: ADMIN_USER_KEY, passwordKey: ADMIN_PASSWORD_KEY },
      // A Role in its own and the shop's namespace instead of a ClusterRole:
      // the sidecar reads ConfigMaps there (and could read Secrets there:
      // the chart's Role grants both), never the cluster's.
      rbac: { namespaced: true, namespaces: [...namespaces.dashboards] },
      sidecar: {
        dashboards: {
          enabled: true,
          label: DASHBOARD_LABEL.key,
          labelValue: DASHBOARD_LABEL.value,
          searchNamespace: [namespaces.own, ...namespaces.dashboards],
          resource: "configmap",
          folder: SIDECAR_DASHBOARD_DIR,
          // the shop's dashboards in the "meshmart" folder; the chart's own stay at the top level
          folderAnnotation: DASHBOARD_FOLDER.annotation,
          provider: { foldersFromFilesStructure: true },
        },
        // kube-prometheus-stack's Prometheus datasource (uid "prometheus"), the default one
        datasources: { enabled: true, defaultDatasourceEnabled: true, isDefaultDatasource: true },
      },
      "grafana.ini": { dashboards: { default_home_dashboard_path: HOME_DASHBOARD_PATH } },
      // the hook for more datasources (tracing): empty unless given
      ...(extraDatasources.length > 0 ? { additionalDataSources: [...extraDatasources] } : {}),
    },
  };
}

export class Monitoring extends pulumi.ComponentResource {
  /** The release installing the monitoring.coreos.com CRDs: custom resources depend on it. */
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: pulumi.Output<string>;
  public readonly grafanaService = GRAFANA_SERVICE;
  public readonly prometheusService = PROMETHEUS_SERVICE;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:Monitoring", name, args, opts);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace, labels: POD_SECURITY.monitoring } }, { parent: this });
    this.namespace = ns.metadata.name;
    const admin = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: "grafana-admin", namespace: this.namespace },
        type: "Opaque",
        stringData: { [ADMIN_USER_KEY]: "admin", [ADMIN_PASSWORD_KEY]: pulumi.secret(args.grafanaAdminPassword) },
      },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: RELEASE_NAME,
        namespace: this.namespace,
        ...chartSource(CHARTS.kubePrometheusStack),
        values: pulumi
          .all([admin.metadata.name, pulumi.all(args.dashboardNamespaces)])
          .apply(([secret, dashboards]) => monitoringValues(secret, args.prometheusPod, { own: args.namespace, dashboards }, args.extraDatasources)),
        timeout: 900,
        cleanupOnFail: true,
      },
      { parent: this, dependsOn: [admin] },
    );
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
