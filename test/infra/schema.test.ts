/**
 * Every Kubernetes object every run declares (not Helm releases: their charts
 * are validated by Helm) is checked against the upstream schemas.
 */
import { expect } from "chai";
import { allRuns, reveal, VARIANTS, type Variant } from "./support/stacks";
import { modelModule, validateObject, validatorFor } from "./support/validators";

/** Pulumi types that are not plain Kubernetes objects. */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release"]);

describe("every declared Kubernetes object is valid against the upstream schemas", function () {
  this.timeout(180_000);

  for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
    it(`run ${variant}`, async () => {
      const run = (await allRuns())[variant];
      const objects = run.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(x.type));
      expect(objects.length).to.be.greaterThan(20);
      const problems: string[] = [];
      for (const x of objects) {
        const object = reveal<{ apiVersion: string; kind: string; metadata: { name: string } }>(x.inputs);
        // The type token and the object agree (kubernetes:<group>/<version>:<Kind>).
        const group = object.apiVersion.includes("/") ? object.apiVersion : `core/${object.apiVersion}`;
        expect(x.type, x.urn).to.equal(`kubernetes:${group}:${object.kind}`);
        const complaint = await validateObject(object);
        if (complaint) problems.push(`${object.kind} ${object.metadata.name}: ${complaint}`);
      }
      expect(problems).to.deep.equal([]);
    });
  }

  describe("the validators themselves", () => {
    it("reject an invalid object of each family", async () => {
      const bad = [
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two", selector: {}, template: {} } },
        { apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{ port: "http" }] } },
        { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "x" }, spec: { endpoints: "all" } },
        { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "x" }, spec: { podSelector: {}, policyTypes: ["Sideways"] } },
        { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: "x" }, spec: { hosts: ["a"], http: [{ retries: { attempts: "two" } }] } },
        { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: "x" }, spec: { action: "ALOW" } },
        { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "x" }, spec: { rules: [{ matches: [{ method: "FETCH" }] }] } },
      ];
      for (const object of bad) expect(await validateObject(object), object.kind).to.be.a("string");
    });
    it("know Istio and Gateway API kinds (for the mesh stacks)", async () => {
      expect(modelModule("networking.istio.io/v1")).to.equal("@kubernetes-models/istio/networking.istio.io/v1");
      expect(await validatorFor("networking.istio.io/v1", "VirtualService")).to.be.a("function");
      expect(await validatorFor("gateway.networking.k8s.io/v1", "HTTPRoute")).to.be.a("function");
    });
    it("reject invalid Linkerd policy objects (schemas of the pinned release)", async () => {
      const meta = { name: "x", namespace: "meshmart" };
      const bad = [
        { apiVersion: "policy.linkerd.io/v1beta3", kind: "Server", metadata: meta, spec: { podSelector: {}, port: "http", proxyProtocol: "HTTP/3" } },
        { apiVersion: "policy.linkerd.io/v1beta3", kind: "Server", metadata: meta, spec: { port: 8080 } },
        { apiVersion: "policy.linkerd.io/v1beta3", kind: "Server", metadata: meta, spec: { podSelector: {}, port: 70000 } },
        { apiVersion: "policy.linkerd.io/v1beta3", kind: "Server", metadata: meta, spec: { podSelector: {}, port: "http", accesPolicy: "deny" } },
        { apiVersion: "policy.linkerd.io/v1alpha1", kind: "AuthorizationPolicy", metadata: meta, spec: { targetRef: { kind: "Server", name: "x" } } },
        { apiVersion: "policy.linkerd.io/v1alpha1", kind: "MeshTLSAuthentication", metadata: meta, spec: { identityRefs: [] } },
        { apiVersion: "policy.linkerd.io/v1alpha1", kind: "MeshTLSAuthentication", metadata: meta, spec: { identities: ["a"], identityRefs: [{ kind: "ServiceAccount" }] } },
        { apiVersion: "policy.linkerd.io/v1alpha1", kind: "NetworkAuthentication", metadata: meta, spec: { networks: [{ except: [] }] } },
      ];
      for (const object of bad) expect(await validateObject(object), JSON.stringify(object.spec)).to.be.a("string");
      const good = { apiVersion: "policy.linkerd.io/v1beta3", kind: "Server", metadata: meta, spec: { podSelector: { matchLabels: { app: "x" } }, port: "http", proxyProtocol: "HTTP/1", accessPolicy: "deny" } };
      expect(await validateObject(good)).to.equal(undefined);
    });
    it("fail, never skip, a kind they do not know", async () => {
      let error = "";
      await validatorFor("policy.linkerd.io/v1beta3", "HTTPLocalRateLimitPolicy").catch((e: Error) => (error = e.message));
      expect(error).to.equal("no validator for policy.linkerd.io/v1beta3 HTTPLocalRateLimitPolicy in the Linkerd schemas");
      await validatorFor("policy.linkerd.io/v1alpha1", "Server").catch((e: Error) => (error = e.message));
      expect(error).to.contain("policy.linkerd.io/v1alpha1 Server");
      await validatorFor("policy.example.io/v1", "Server").catch((e: Error) => (error = e.message));
      expect(error).to.contain("policy.example.io");
      await validatorFor("apps/v1", "Deploymint").catch((e: Error) => (error = e.message));
      expect(error).to.equal("no validator for apps/v1 Deploymint in kubernetes-models/apps/v1");
    });
  });
});
