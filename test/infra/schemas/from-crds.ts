/**
 * Writes linkerd-policy-<release>.json from the pinned Linkerd release's own
 * CRDs, so the schemas the tests validate policy.linkerd.io objects with are
 * upstream's, not hand-written:
 *
 *   node --import tsx test/infra/schemas/from-crds.ts <linkerd2 git dir> [commit]
 *
 * (a clone or snapshot of linkerd/linkerd2; the commit defaults to
 * edge-26.8.3's). For each kind the program declares, it takes the served
 * version's openAPIV3Schema from charts/linkerd-crds/templates/policy/*.yaml and
 * turns it into a JSON Schema for ajv:
 * - objects with listed properties reject other fields (the API server would
 *   prune them silently; x-kubernetes-preserve-unknown-fields keeps a map open);
 * - x-kubernetes-int-or-string becomes integer-or-string;
 * - description and default are dropped (they validate nothing).
 * Then the few limits the policy controller adds where the CRD leaves a plain
 * string (CONTROLLER_LIMITS below, each citing its source file).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const LINKERD_RELEASE = "edge-26.8.3";
export const LINKERD_COMMIT = "19a0d90d5a4a65e0b976f079ba8a5f1dab12c005";
const CRD_DIR = "charts/linkerd-crds/templates/policy";

/** The kinds the program declares: file, served version. */
export const KINDS = [
  { file: "server.yaml", kind: "Server", version: "v1beta3" },
  { file: "authorization-policy.yaml", kind: "AuthorizationPolicy", version: "v1alpha1" },
  { file: "meshtls-authentication.yaml", kind: "MeshTLSAuthentication", version: "v1alpha1" },
  { file: "network-authentication.yaml", kind: "NetworkAuthentication", version: "v1alpha1" },
] as const;

type Schema = Record<string, any>;

/**
 * Where the CRD says only "string" (or int-or-string), the policy controller
 * decides (linkerd/linkerd2 at LINKERD_COMMIT):
 * - Server.spec.proxyProtocol: policy-controller/k8s/api/src/policy/server.rs
 *   `enum ProxyProtocol` (serde names unknown, HTTP/1, HTTP/2, gRPC, opaque, TLS);
 * - Server.spec.accessPolicy: policy-controller/k8s/index/src/defaults.rs
 *   `DefaultPolicy::from_str` (anything else is "invalid mode");
 * - Server.spec.port: server.rs `enum Port { Number(NonZeroU16), Name(String) }`,
 *   and a name must be a container port's name ("Must exist in a pod spec"),
 *   which Kubernetes limits to an IANA_SVC_NAME (at most 15 characters).
 */
const CONTROLLER_LIMITS: Record<string, Record<string, Schema>> = {
  "v1beta3/Server": {
    proxyProtocol: { enum: ["unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"] },
    accessPolicy: { enum: ["all-authenticated", "all-unauthenticated", "cluster-authenticated", "cluster-unauthenticated", "deny", "audit"] },
    port: {
      oneOf: [
        { type: "integer", minimum: 1, maximum: 65535 },
        { type: "string", minLength: 1, maxLength: 15, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" },
      ],
    },
  },
};

/** Object metadata as the API server checks it for any custom resource: a DNS-1123 subdomain name. */
export const METADATA: Schema = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" } },
};

/** One openAPIV3Schema node as a strict JSON Schema node. */
export function strict(node: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "description" || k === "default" || k.startsWith("x-kubernetes-")) continue;
    if (k === "properties") out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, strict(s as Schema)]));
    else if (k === "items") out[k] = strict(v as Schema);
    else if (k === "oneOf" || k === "anyOf" || k === "allOf") out[k] = (v as Schema[]).map(strict);
    else out[k] = v;
  }
  if (node["x-kubernetes-int-or-string"]) {
    delete out["type"];
    out["anyOf"] = [{ type: "integer" }, { type: "string" }];
  }
  if (node["type"] === "object" && node["properties"] && !node["x-kubernetes-preserve-unknown-fields"] && node["additionalProperties"] === undefined) {
    out["additionalProperties"] = false;
  }
  return out;
}

/** A CRD template with its Helm expressions blanked (they sit in metadata only). */
export function parseCrd(text: string): Schema {
  return parse(text.replace(/\{\{.*?\}\}/g, "helm")) as Schema;
}

/** The schema of one kind at one version of an API group (Linkerd's policy group unless named), with the controller's limits applied. */
export function kindSchema(crd: Schema, kind: string, version: string, group = "policy.linkerd.io"): Schema {
  if (crd["spec"]?.["names"]?.["kind"] !== kind) throw new Error(`expected a CRD of ${kind}, got ${crd["spec"]?.["names"]?.["kind"]}`);
  const v = (crd["spec"]["versions"] as Schema[]).find((x) => x["name"] === version);
  if (!v || !v["served"]) throw new Error(`${kind} ${version} is not served by this CRD`);
  const root = v["schema"]["openAPIV3Schema"] as Schema;
  const spec = strict(root["properties"]["spec"]);
  for (const [field, limit] of Object.entries(CONTROLLER_LIMITS[`${version}/${kind}`] ?? {})) {
    if (!spec["properties"]?.[field]) throw new Error(`${kind}.spec.${field} is not in the CRD`);
    spec["properties"][field] = limit;
  }
  return {
    type: "object",
    additionalProperties: false,
    required: ["apiVersion", "kind", "metadata", ...((root["required"] as string[] | undefined) ?? []).filter((r) => !["apiVersion", "kind", "metadata"].includes(r))],
    properties: {
      apiVersion: { const: `${group}/${version}` },
      kind: { const: kind },
      metadata: { $ref: "#/definitions/metadata" },
      spec,
    },
  };
}

function main(): void {
  const [gitDir, commit = LINKERD_COMMIT] = process.argv.slice(2);
  if (!gitDir) throw new Error("usage: from-crds.ts <linkerd2 git dir> [commit]");
  const show = (path: string) => execFileSync("git", ["--git-dir", gitDir, "show", `${commit}:${path}`], { encoding: "utf8" });
  const kinds = Object.fromEntries(KINDS.map((k) => [`${k.version}/${k.kind}`, kindSchema(parseCrd(show(`${CRD_DIR}/${k.file}`)), k.kind, k.version)]));
  const file = {
    $comment:
      "Generated by test/infra/schemas/from-crds.ts from the policy.linkerd.io CRDs of the pinned Linkerd release (source below), made strict (unknown fields are errors) and narrowed by the policy controller's own limits; do not edit by hand, regenerate.",
    release: LINKERD_RELEASE,
    source: { repo: "linkerd/linkerd2", commit, files: KINDS.map((k) => `${CRD_DIR}/${k.file}`) },
    definitions: { metadata: METADATA },
    kinds,
  };
  const out = join(__dirname, `linkerd-policy-${LINKERD_RELEASE}.json`);
  writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`);
  console.log(`wrote ${out}`);
}

if (require.main === module) main();
