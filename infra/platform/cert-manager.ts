/**
 * cert-manager (meshmart:edgeTls cert-manager), installed with
 * helm.v3.Release: its startupapicheck is a post-install hook Job that waits
 * until the webhook admits cert-manager objects, so whatever depends on the
 * release (the ClusterIssuer, the Certificate) is sent to a ready API. The
 * chart installs its CRDs (`crds.enabled`) and, with `crds.keep` false, takes
 * them with it on `pulumi destroy`, after the program has deleted its own
 * custom resources (they depend on the release). The certificates' Secrets
 * are owned by their Certificates (`enableCertificateOwnerRef`), so they go
 * too.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_SECURITY } from "../pod-security";
import { chartSource, CHARTS } from "./platform-charts";

export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const CERT_MANAGER_RELEASE = "cert-manager";

/** The chart's values (cert-manager v1.21.1 deploy/charts/cert-manager/values.yaml). */
export function certManagerValues(): Record<string, unknown> {
  return {
    crds: { enabled: true, keep: false },
    enableCertificateOwnerRef: true,
  };
}

export class CertManager extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: Record<string, never> = {}, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:platform:CertManager", name, args, opts);
    const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: CERT_MANAGER_NAMESPACE, labels: POD_SECURITY.certManager } }, { parent: this });
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      { name: CERT_MANAGER_RELEASE, namespace: ns.metadata.name, ...chartSource(CHARTS.certManager), values: certManagerValues(), timeout: 600, cleanupOnFail: true },
      { parent: this },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
