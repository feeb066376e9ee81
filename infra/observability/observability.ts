/**
 * The shop's dashboard (a ConfigMap Grafana's sidecar picks up), its alert
 * rules and its SLOs per user journey (PrometheusRules, created after the
 * release installing their CRD; slo.ts has the objectives and burn rates).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../labels";
import { DASHBOARD_FILE, redDashboard } from "./dashboard";
import { alertRules, type AlertThresholds } from "./rules";
import { sloRules } from "./slo";

export interface ObservabilityArgs {
  /** Namespace of the services (queried) and of the objects. */
  readonly namespace: pulumi.Input<string>;
  /** Label Grafana's sidecar selects dashboards by. */
  readonly dashboardLabel: { readonly key: string; readonly value: string };
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
        metadata: { name: `${PART_OF}-dashboard`, namespace: ns, labels: { ...labels, [args.dashboardLabel.key]: args.dashboardLabel.value } },
        data: { [DASHBOARD_FILE]: ns.apply((n) => JSON.stringify(redDashboard(n), null, 2)) },
      },
      { parent: this },
    );
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
