/**
 * Zero unknown fields: every Kubernetes object and custom resource the three
 * stacks (and their variants) declare, checked against the upstream models'
 * types (support/strict-fields.ts). policy.linkerd.io, cert-manager.io and
 * metallb.io kinds are checked by schema.test.ts against schemas generated
 * from their CRDs that reject unknown fields themselves.
 */
import { expect } from "chai";
import { CRD_SCHEMA_GROUPS } from "./support/validators";
import { unknownFieldErrors, type DeclaredObject } from "./support/strict-fields";
import { allRuns, reveal, type StackRun } from "./support/stacks";

/** Registrations that are not Kubernetes objects of their own (a release, a manifest file, the provider). */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:yaml/v2:ConfigFile"]);

function declaredObjects(r: StackRun): DeclaredObject[] {
  return r.resources
    .filter((x) => x.custom && x.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(x.type))
    .map((x) => ({ id: x.urn, object: reveal(x.inputs) }))
    .filter((o) => !CRD_SCHEMA_GROUPS.has(o.object.apiVersion.split("/")[0]!));
}

describe("unknown fields: what the API server would prune silently", function () {
  this.timeout(180_000);

  it("catches a misspelt field deep inside an object, and a value of the wrong type", () => {
    const deployment = (podSpec: Record<string, unknown>) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: { selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: podSpec } },
    });
    const container = { name: "x", image: "x" };
    // The compiler reports the first complaint of each literal: one breakage per object.
    const errors = unknownFieldErrors([
      { id: "misspelt", object: deployment({ topologySpreadConstraint: [], containers: [container] }) },
      { id: "mistyped", object: deployment({ containers: [{ ...container, ports: [{ containerPort: "80" }] }] }) },
      { id: "fine", object: deployment({ topologySpreadConstraints: [], containers: [container] }) },
    ]);
    expect(errors.get("misspelt")?.join("\n")).to.match(/'"topologySpreadConstraint"' does not exist .* at spec\.template\.spec\.topologySpreadConstraint$/);
    expect(errors.get("mistyped")?.join("\n")).to.match(/not assignable .* at spec\.template\.spec\.containers\[0\]\.ports\[0\]\.containerPort$/);
    expect(errors.has("fine")).to.equal(false);
  });

  it("accepts a well-formed object of every model package", () => {
    const objects: DeclaredObject[] = [
      { id: "core", object: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "x" }, automountServiceAccountToken: false } },
      { id: "istio", object: { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: "x" }, spec: { mtls: { mode: "STRICT" } } } },
      { id: "gateway", object: { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "x" }, spec: { parentRefs: [{ name: "x" }] } } },
      { id: "monitoring", object: { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x" }, spec: { selector: {}, endpoints: [{ port: "http" }] } } },
    ];
    expect(Object.fromEntries(unknownFieldErrors(objects))).to.deep.equal({});
  });

  it("the three stacks and their variants declare no field their upstream schema does not know", async () => {
    const runs = await allRuns();
    const all = Object.values(runs).flatMap(declaredObjects);
    expect(all.length).to.be.greaterThan(300);
    // Variants repeat most objects: check each distinct one once.
    const objects = [...new Map(all.map((o) => [JSON.stringify(o.object), o])).values()];
    expect(Object.fromEntries(unknownFieldErrors(objects))).to.deep.equal({});
  });
});
