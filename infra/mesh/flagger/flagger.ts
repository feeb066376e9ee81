/**
 * The Flagger controller (meshmart:canary flagger): its namespace
 * (`restricted`, and no inbound connection: nothing calls Flagger; it calls
 * the API server and Prometheus) and the pinned release, which installs
 * Flagger's CRDs as its own templates (flagger-values.ts): Helm's crds/
 * copy, never upgraded nor removed, is skipped. Custom resources of
 * flagger.app depend on the release.
 */
import type { ClosedNamespaceReleaseArgs } from "../../platform/closed-namespace-release";
import { POD_SECURITY } from "../../pod-security";
import { MESH_CHARTS } from "../mesh-charts";
import { FLAGGER_NAMESPACE, FLAGGER_RELEASE, flaggerValues, type FlaggerValuesArgs } from "./flagger-values";

export function flaggerRelease(args: FlaggerValuesArgs): ClosedNamespaceReleaseArgs {
  return { namespace: FLAGGER_NAMESPACE, namespaceLabels: POD_SECURITY.flagger, release: FLAGGER_RELEASE, chart: MESH_CHARTS.flagger, values: flaggerValues(args), skipCrds: true };
}
