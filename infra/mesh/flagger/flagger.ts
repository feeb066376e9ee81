/**
 * The Flagger controller (meshmart:canary flagger): its namespace
 * (`restricted`, and no inbound connection: nothing calls Flagger; it calls
 * the API server and Prometheus) and the pinned release, which installs
 * Flagger's CRDs as its own templates (flagger-values.ts): Helm's crds/
 * copy, never upgraded nor removed, is skipped. Custom resources of
 * flagger.app depend on `release`.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { closedNamespaceRelease } from "../../platform/closed-namespace-release";
import { POD_SECURITY } from "../../pod-security";
import { MESH_CHARTS } from "../mesh-charts";
import { FLAGGER_NAMESPACE, FLAGGER_RELEASE, flaggerValues, type FlaggerValuesArgs } from "./flagger-values";

export class Flagger extends pulumi.ComponentResource {
  /** Installs the controller and the flagger.app CRDs. */
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: FlaggerValuesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:mesh:Flagger", name, args, opts);
    this.release = closedNamespaceRelease(
      name,
      { namespace: FLAGGER_NAMESPACE, namespaceLabels: POD_SECURITY.flagger, release: FLAGGER_RELEASE, chart: MESH_CHARTS.flagger, values: flaggerValues(args), skipCrds: true },
      this,
    );
    this.registerOutputs({ release: this.release.status });
  }
}
