/**
 * Linkerd's identity PKI, generated in the program: an ECDSA P-256 trust
 * anchor (a self-signed root CA) and an issuer (an intermediate CA signed by
 * it, named identity.linkerd.<trust domain> as Linkerd's identity controller
 * requires), both usable only to sign certificates. The private keys live in
 * Pulumi state as secrets and leave it only as secret Helm values.
 *
 * Validity: the trust anchor 10 years (rotating it means re-trusting every
 * proxy), the issuer 1 year, re-issued by the first `pulumi up` in its last
 * 30 days (earlyRenewalHours).
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { TRUST_DOMAIN } from "./linkerd-values";

/** What a CA certificate may do: sign certificates and revocation lists (the TLS provider's names; docs/upstream.md). */
export const CA_USES = ["cert_signing", "crl_signing"];
export const TRUST_ANCHOR_HOURS = 10 * 365 * 24;
export const ISSUER_HOURS = 365 * 24;
export const ISSUER_EARLY_RENEWAL_HOURS = 30 * 24;

export function trustAnchorName(trustDomain = TRUST_DOMAIN): string {
  return `root.linkerd.${trustDomain}`;
}
export function issuerName(trustDomain = TRUST_DOMAIN): string {
  return `identity.linkerd.${trustDomain}`;
}

export class LinkerdIdentity extends pulumi.ComponentResource {
  /** The trust anchor's certificate (public): identityTrustAnchorsPEM. */
  public readonly trustAnchorPem: pulumi.Output<string>;
  /** The issuer's certificate (public). */
  public readonly issuerCertPem: pulumi.Output<string>;
  /** The issuer's private key: a secret. */
  public readonly issuerKeyPem: pulumi.Output<string>;

  constructor(name: string, args: Record<string, never> = {}, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:mesh:LinkerdIdentity", name, args, opts);
    const ecdsa = { algorithm: "ECDSA", ecdsaCurve: "P256" };
    const anchorKey = new tls.PrivateKey(`${name}-trust-anchor-key`, ecdsa, { parent: this });
    const anchor = new tls.SelfSignedCert(
      `${name}-trust-anchor`,
      {
        privateKeyPem: pulumi.secret(anchorKey.privateKeyPem),
        subject: { commonName: trustAnchorName() },
        isCaCertificate: true,
        maxPathLength: 1,
        setSubjectKeyId: true,
        allowedUses: CA_USES,
        validityPeriodHours: TRUST_ANCHOR_HOURS,
      },
      { parent: this },
    );
    const issuerKey = new tls.PrivateKey(`${name}-issuer-key`, ecdsa, { parent: this });
    const request = new tls.CertRequest(
      `${name}-issuer-request`,
      { privateKeyPem: pulumi.secret(issuerKey.privateKeyPem), subject: { commonName: issuerName() } },
      { parent: this },
    );
    const issuer = new tls.LocallySignedCert(
      `${name}-issuer`,
      {
        certRequestPem: request.certRequestPem,
        caCertPem: anchor.certPem,
        caPrivateKeyPem: pulumi.secret(anchorKey.privateKeyPem),
        isCaCertificate: true,
        maxPathLength: 0,
        setSubjectKeyId: true,
        allowedUses: CA_USES,
        validityPeriodHours: ISSUER_HOURS,
        earlyRenewalHours: ISSUER_EARLY_RENEWAL_HOURS,
      },
      { parent: this },
    );
    this.trustAnchorPem = anchor.certPem;
    this.issuerCertPem = issuer.certPem;
    this.issuerKeyPem = pulumi.secret(issuerKey.privateKeyPem);
    this.registerOutputs({ trustAnchorPem: this.trustAnchorPem, issuerCertPem: this.issuerCertPem });
  }
}
