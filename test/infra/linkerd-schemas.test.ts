/**
 * The policy.linkerd.io schemas (schemas/linkerd-policy-edge-26.8.3.json)
 * are generated from the pinned release's CRDs by schemas/from-crds.ts:
 * the file names its source, and the conversion keeps what the CRDs say
 * while making unknown fields errors.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LINKERD_EDGE_COMMIT, MESH_RELEASES } from "./fixtures/upstream";
import { KINDS, kindSchema, LINKERD_COMMIT, LINKERD_RELEASE, parseCrd, strict } from "./schemas/from-crds";
import { validateObject } from "./support/validators";

const file = JSON.parse(readFileSync(join(__dirname, "schemas/linkerd-policy-edge-26.8.3.json"), "utf8"));

describe("Linkerd policy schemas come from the pinned release's CRDs", () => {
  it("name their source: linkerd/linkerd2 at edge-26.8.3's commit, charts/linkerd-crds/templates/policy", () => {
    expect([LINKERD_RELEASE, LINKERD_COMMIT]).to.deep.equal([MESH_RELEASES.linkerdEdge, LINKERD_EDGE_COMMIT]);
    expect(file.release).to.equal(MESH_RELEASES.linkerdEdge);
    expect(file.source).to.deep.equal({ repo: "linkerd/linkerd2", commit: LINKERD_EDGE_COMMIT, files: KINDS.map((k) => `charts/linkerd-crds/templates/policy/${k.file}`) });
    expect(Object.keys(file.kinds).sort()).to.deep.equal(KINDS.map((k) => `${k.version}/${k.kind}`).sort());
  });

  it("convert a CRD schema: listed properties only, int-or-string, open maps stay open", () => {
    const node = {
      type: "object",
      description: "dropped",
      properties: {
        port: { "x-kubernetes-int-or-string": true, description: "x" },
        labels: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        list: { type: "array", items: { type: "object", properties: { a: { type: "string", default: "b" } } } },
      },
    };
    expect(strict(node)).to.deep.equal({
      type: "object",
      additionalProperties: false,
      properties: {
        port: { anyOf: [{ type: "integer" }, { type: "string" }] },
        labels: { type: "object" },
        list: { type: "array", items: { type: "object", additionalProperties: false, properties: { a: { type: "string" } } } },
      },
    });
  });

  it("read the served version of the right kind, and refuse another", () => {
    const crd = parseCrd(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  labels:
    helm.sh/chart: {{ .Chart.Name }}
spec:
  names: { kind: Server }
  versions:
    - name: v1beta3
      served: true
      schema:
        openAPIV3Schema:
          type: object
          required: [spec]
          properties:
            spec: { type: object, properties: { port: { x-kubernetes-int-or-string: true }, proxyProtocol: { type: string }, accessPolicy: { type: string } } }
`);
    const schema = kindSchema(crd, "Server", "v1beta3");
    expect(schema.required).to.deep.equal(["apiVersion", "kind", "metadata", "spec"]);
    expect(schema.properties.spec.properties.proxyProtocol.enum).to.include("HTTP/2");
    expect(() => kindSchema(crd, "Server", "v1alpha9")).to.throw("not served");
    expect(() => kindSchema(crd, "AuthorizationPolicy", "v1alpha1")).to.throw("expected a CRD of AuthorizationPolicy");
  });

  it("reject an unknown field in spec, in a nested object and at the top, as the API server would prune it", async () => {
    const meta = { name: "x", namespace: "meshmart" };
    const server = { apiVersion: "policy.linkerd.io/v1beta3", kind: "Server", metadata: meta, spec: { podSelector: { matchLabels: { app: "x" } }, port: "http" } };
    expect(await validateObject(server)).to.equal(undefined);
    const broken: Record<string, unknown>[] = [
      { ...server, spec: { ...server.spec, proxyProtocl: "HTTP/1" } },
      { ...server, spec: { ...server.spec, podSelector: { matchLabel: { app: "x" } } } },
      { ...server, sepc: {} },
    ];
    for (const object of broken) expect(await validateObject(object as typeof server), JSON.stringify(object)).to.be.a("string");
    const policy = { apiVersion: "policy.linkerd.io/v1alpha1", kind: "AuthorizationPolicy", metadata: meta, spec: { targetRef: { kind: "Server", name: "x" }, requiredAuthenticationRefs: [{ kind: "MeshTLSAuthentication", name: "x", namespaces: "y" }] } };
    expect(await validateObject(policy)).to.match(/must NOT have additional properties/);
  });
});
