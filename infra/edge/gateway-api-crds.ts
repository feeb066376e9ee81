/**
 * The pinned Gateway API CRDs (upstream standard-install, GATEWAY_API_CRDS_URL):
 * one manifest per stack owns them (Linkerd's HTTPRoutes; Istio's Gateway
 * edge). Cluster-wide CRDs other tenants may use: `pulumi destroy` leaves
 * them (and every object of the manifest) in place.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { GATEWAY_API_CRDS_URL } from "../mesh/mesh-charts";

export function gatewayApiCrds(name: string, parent: pulumi.Resource): k8s.yaml.v2.ConfigFile {
  return new k8s.yaml.v2.ConfigFile(name, { file: GATEWAY_API_CRDS_URL }, { parent, retainOnDelete: true });
}
