/**
 * The edge's certificate (meshmart:edgeTls), as a `kubernetes.io/tls` Secret
 * in the shop's namespace that both Ingresses name:
 * - `self-signed`: an ECDSA P-256 key and a self-signed serving certificate
 *   made by the program (@pulumi/tls). The key lives in Pulumi state as a
 *   secret and leaves it only inside the Secret. Valid a year, re-issued by
 *   the first `pulumi up` in its last 30 days (earlyRenewalHours).
 * - `cert-manager`: a ClusterIssuer (selfSigned) and a Certificate; cert-manager
 *   writes the Secret and renews it. Both depend on cert-manager's release
 *   (its CRDs and webhook), so they come after it and are deleted before it.
 *   Point the Certificate at another ClusterIssuer (ACME, a CA) by replacing
 *   this one: the Ingresses only know the Secret's name.
 * The certificate names what clients ask for: ingressHost when set, else
 * localhost and 127.0.0.1 (a node port or a port-forward) plus the
 * LoadBalancer's address when the program knows it (MetalLB).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { PART_OF } from "./labels";

export type EdgeTlsSource = "self-signed" | "cert-manager";

/** The Secret both Ingresses serve, in the shop's namespace. */
export const EDGE_TLS_SECRET = `${PART_OF}-edge-tls`;
/** What a serving certificate may do: sign the handshake, authenticate a server (the TLS provider's names; docs/upstream.md). */
export const SERVING_USES = ["digital_signature", "server_auth"];
/** The same, as cert-manager's Certificate spells them (KeyUsage enum). */
export const CERT_MANAGER_SERVING_USAGES = ["digital signature", "server auth"];
export const SERVING_HOURS = 365 * 24;
export const SERVING_EARLY_RENEWAL_HOURS = 30 * 24;
export const EDGE_CLUSTER_ISSUER = `${PART_OF}-selfsigned`;

export interface EdgeNames {
  readonly dnsNames: string[];
  readonly ipAddresses: pulumi.Input<string[]>;
}

/** The names the certificate covers: the Ingress host, or what a local client uses (and the balancer's address). */
export function edgeNames(host: string, balancerAddress?: pulumi.Output<string | undefined>): EdgeNames {
  if (host) return { dnsNames: [host], ipAddresses: [] };
  return {
    dnsNames: ["localhost"],
    ipAddresses: balancerAddress ? balancerAddress.apply((a) => (a ? ["127.0.0.1", a] : ["127.0.0.1"])) : ["127.0.0.1"],
  };
}

export interface EdgeTlsArgs {
  readonly source: EdgeTlsSource;
  /** The shop's namespace. */
  readonly namespace: pulumi.Input<string>;
  readonly names: EdgeNames;
  /** cert-manager's release: its CRDs and webhook (cert-manager only). */
  readonly certManagerRelease?: pulumi.Resource;
}

export class EdgeTls extends pulumi.ComponentResource {
  /** The Secret's name, known once whatever makes it is declared. */
  public readonly secretName: pulumi.Output<string>;
  /** The certificate's public part (self-signed: the program made it; cert-manager: unknown to the program). */
  public readonly certificatePem?: pulumi.Output<string>;

  constructor(name: string, args: EdgeTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:network:EdgeTls", name, {}, opts);
    const labels = { "app.kubernetes.io/part-of": PART_OF };
    if (args.source === "self-signed") {
      const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
      const cert = new tls.SelfSignedCert(
        `${name}-cert`,
        {
          privateKeyPem: pulumi.secret(key.privateKeyPem),
          subject: { commonName: args.names.dnsNames[0]!.length <= 64 ? args.names.dnsNames[0] : PART_OF, organization: PART_OF },
          dnsNames: args.names.dnsNames,
          ipAddresses: args.names.ipAddresses,
          allowedUses: SERVING_USES,
          validityPeriodHours: SERVING_HOURS,
          earlyRenewalHours: SERVING_EARLY_RENEWAL_HOURS,
        },
        { parent: this },
      );
      const secret = new k8s.core.v1.Secret(
        `${name}-secret`,
        {
          metadata: { name: EDGE_TLS_SECRET, namespace: args.namespace, labels },
          type: "kubernetes.io/tls",
          stringData: { "tls.crt": cert.certPem, "tls.key": pulumi.secret(key.privateKeyPem) },
        },
        { parent: this },
      );
      this.secretName = secret.metadata.name;
      this.certificatePem = cert.certPem;
    } else {
      if (!args.certManagerRelease) throw new Error("EdgeTls: cert-manager needs its release");
      const issuer = new k8s.apiextensions.CustomResource(
        `${name}-issuer`,
        { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: EDGE_CLUSTER_ISSUER, labels }, spec: { selfSigned: {} } },
        { parent: this, dependsOn: [args.certManagerRelease] },
      );
      const certificate = new k8s.apiextensions.CustomResource(
        `${name}-certificate`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: { name: EDGE_TLS_SECRET, namespace: args.namespace, labels },
          spec: {
            secretName: EDGE_TLS_SECRET,
            secretTemplate: { labels },
            dnsNames: args.names.dnsNames,
            ipAddresses: args.names.ipAddresses,
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: EDGE_CLUSTER_ISSUER },
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            usages: CERT_MANAGER_SERVING_USAGES,
            duration: `${SERVING_HOURS}h`,
            renewBefore: `${SERVING_EARLY_RENEWAL_HOURS}h`,
          },
        },
        { parent: this, dependsOn: [args.certManagerRelease, issuer] },
      );
      this.secretName = certificate.metadata.apply(() => EDGE_TLS_SECRET);
    }
    this.registerOutputs({ secretName: this.secretName });
  }
}
