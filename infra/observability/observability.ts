/**
 * The shop's dashboard (a ConfigMap Grafana's sidecar picks up), its alert
 * rules and its SLOs per user journey (PrometheusRules, created after the
 * release installing their CRD; slo.ts has the objectives and burn rates).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../labels";
import { REDIS_APP, REDIS_EXPORTER_PORT_NAME, REDIS_METRICS_COMPONENT } from "../redis/redis-spec";
import { DASHBOARD_FILE, redDashboard, type DashboardSources } from "./dashboard";
import { alertRules, type AlertThresholds } from "./rules";
import { sloRules } from "./slo";

export interface ObservabilityArgs {
  /** Namespace of the services (queried) and of the objects. */
  readonly namespace: pulumi.Input<string>;
  /** Label Grafana's sidecar selects dashboards by. */
  readonly dashboardLabel: { readonly key: string; readonly value: string };
  /** Annotation Grafana's sidecar reads the dashboard's folder from, and the folder. */
  readonly dashboardFolder: { readonly annotation: string; readonly name: string };
  /** Which panels beyond the services' this stack's Prometheus can fill. */
  readonly sources: DashboardSources;
  /** Scrape Redis's exporter (an in-cluster Redis; none for an external one). */
  readonly redisExporter: boolean;
  /** Extra endpoint settings (scheme, tlsConfig) when a mesh secures the scrape, as the services' ServiceMonitors. */
  readonly scrape?: Record<string, unknown>;
  /** The release installing the PrometheusRule CRD. */
  readonly crdRelease: pulumi.Resource;
  readonly thresholds?: AlertThresholds;
}

export class Observability extends pulumi.ComponentResource {
  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:observability:Observability", name, args, opts);
    const labels = { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": "pulumi" };
    const ns = pulumi.output(args.namespace);
    new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: {
          name: `${PART_OF}-dashboard`,
          namespace: ns,
          labels: { ...labels, [args.dashboardLabel.key]: args.dashboardLabel.value },
          annotations: { [args.dashboardFolder.annotation]: args.dashboardFolder.name },
        },
        data: { [DASHBOARD_FILE]: ns.apply((n) => JSON.stringify(redDashboard(n, args.sources), null, 2)) },
      },
      { parent: this },
    );
    if (args.redisExporter) {
      new k8s.apiextensions.CustomResource(
        `${name}-redis-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "ServiceMonitor",
          metadata: { name: `${REDIS_APP}-exporter`, namespace: ns, labels },
          spec: ns.apply((n) => redisServiceMonitorSpec(n, args.scrape)),
        },
        { parent: this, dependsOn: [args.crdRelease] },
      );
    }
    new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: `${PART_OF}-red`, namespace: ns, labels },
        spec: ns.apply((n) => alertRules(n, args.thresholds)),
      },
      { parent: this, dependsOn: [args.crdRelease] },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-slo`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: `${PART_OF}-slo`, namespace: ns, labels },
        spec: ns.apply(sloRules),
      },
      { parent: this, dependsOn: [args.crdRelease] },
    );
    this.registerOutputs({});
  }
}

/** Scrapes Redis's exporter sidecar through the redis-metrics Service, as the services' ServiceMonitors do. */
export function redisServiceMonitorSpec(namespace: string, scrape: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    selector: { matchLabels: { app: REDIS_APP, "app.kubernetes.io/component": REDIS_METRICS_COMPONENT } },
    namespaceSelector: { matchNames: [namespace] },
    endpoints: [{ port: REDIS_EXPORTER_PORT_NAME, path: "/metrics", interval: "15s", scrapeTimeout: "10s", honorLabels: true, ...scrape }],
  };
}
