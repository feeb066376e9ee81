/**
 * Upstream schema validators for every Kubernetes kind the program may
 * declare, found generically from apiVersion and kind: the core groups from
 * kubernetes-models, monitoring.coreos.com from prometheus-operator, Istio and
 * Gateway API from their @kubernetes-models packages, policy.linkerd.io,
 * cert-manager.io, metallb.io, flagger.app and gateway.envoyproxy.io from schemas generated from the pinned
 * releases' CRDs (../schemas/, checked with ajv). A
 * kind without a validator is an error, never skipped. (The model packages
 * are ESM-only, hence the dynamic imports.)
 */
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";

type Model = new (data: unknown) => { validate(): void };

export const LINKERD_POLICY_GROUP = "policy.linkerd.io";
/** The API groups validated by schema files generated from upstream CRDs (schemas/from-crds.ts, schemas/edge-crds.ts). */
const CRD_SCHEMA_FILES: Record<string, string> = {
  [LINKERD_POLICY_GROUP]: join(__dirname, "../schemas/linkerd-policy-edge-26.8.3.json"),
  "cert-manager.io": join(__dirname, "../schemas/cert-manager-v1.21.1.json"),
  "metallb.io": join(__dirname, "../schemas/metallb-0.16.1.json"),
  "gateway.envoyproxy.io": join(__dirname, "../schemas/envoy-gateway-v1.9.0.json"),
  "flagger.app": join(__dirname, "../schemas/flagger-1.44.0.json"),
};

/** Groups whose schemas reject unknown fields themselves (no TypeScript model for support/strict-fields.ts). */
export const CRD_SCHEMA_GROUPS: ReadonlySet<string> = new Set(Object.keys(CRD_SCHEMA_FILES));

interface SchemaFile {
  readonly definitions: Record<string, unknown>;
  readonly kinds: Record<string, Record<string, unknown>>;
}

const crdModels = new Map<string, Map<string, Model>>();

/**
 * The strict checks of a schema file generated from pinned CRDs, by
 * `<version>/<Kind>`: each answers the schema's complaint, or undefined.
 */
export function schemaFileChecks(path: string): Map<string, (data: unknown) => string | undefined> {
  const file = JSON.parse(readFileSync(path, "utf8")) as SchemaFile;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The OpenAPI formats the CRDs use, as the API server checks them (kube-openapi validate/formats: int32, int64, byte = base64).
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  return new Map(
    Object.entries(file.kinds).map(([key, schema]) => {
      const check = ajv.compile({ ...schema, definitions: file.definitions });
      return [key, (data: unknown) => (check(data) ? undefined : ajv.errorsText(check.errors, { dataVar: key }))];
    }),
  );
}

/** One Model per `<version>/<Kind>` of a group's schema file, validating with ajv. */
function crdModel(group: string, version: string, kind: string): Model | undefined {
  if (!crdModels.has(group)) {
    const checks = schemaFileChecks(CRD_SCHEMA_FILES[group]!);
    crdModels.set(
      group,
      new Map(
        [...checks].map(([key, check]) => {
          const model = class {
            constructor(private readonly data: unknown) {}
            validate(): void {
              const problem = check(this.data);
              if (problem) throw new Error(problem);
            }
          };
          return [key, model as Model];
        }),
      ),
    );
  }
  return crdModels.get(group)!.get(`${version}/${kind}`);
}

/** The module holding the models of an API group/version. */
export function modelModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}`;
  if (group!.endsWith(".istio.io")) return `@kubernetes-models/istio/${group}/${version}`;
  if (group === "gateway.networking.k8s.io" || group === "gateway.networking.x-k8s.io") return `@kubernetes-models/gateway-api/${group}/${version}`;
  if (group!.endsWith(".k8s.io") || !group!.includes(".")) return `kubernetes-models/${group}/${version}`;
  throw new Error(`no schema package known for API group ${group} (${apiVersion})`);
}

export async function validatorFor(apiVersion: string, kind: string): Promise<Model> {
  const [group, version] = apiVersion.split("/");
  if (group !== undefined && CRD_SCHEMA_FILES[group]) {
    const model = crdModel(group, version ?? "", kind);
    if (!model) throw new Error(`no validator for ${apiVersion} ${kind} in the ${group === LINKERD_POLICY_GROUP ? "Linkerd" : group} schemas`);
    return model;
  }
  const module = modelModule(apiVersion);
  let models: Record<string, unknown>;
  try {
    models = (await import(module)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`no validator for ${apiVersion} ${kind}: cannot load ${module} (${(e as Error).message})`);
  }
  const model = models[kind];
  if (typeof model !== "function") throw new Error(`no validator for ${apiVersion} ${kind} in ${module}`);
  return model as Model;
}

/** Validates one object; returns the schema's complaint, or undefined when valid. */
export async function validateObject(object: { apiVersion: string; kind: string }): Promise<string | undefined> {
  const Model = await validatorFor(object.apiVersion, object.kind);
  try {
    new Model(object).validate();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
