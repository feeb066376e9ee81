/**
 * Writes flagger-1.44.0.json from the pinned Flagger chart's own CRDs, as
 * edge-crds.ts does for cert-manager and MetalLB (the same strict
 * conversion: unknown fields are errors):
 *
 *   node --import tsx test/infra/schemas/flagger-crds.ts <flagger git dir>
 *
 * (a clone or snapshot of fluxcd/flagger). flagger.app/v1beta1 Canary and
 * MetricTemplate from charts/flagger/crds/crd.yaml (one file of three CRDs,
 * the same as artifacts/flagger/crd.yaml) at tag v1.44.0. The CRD writes
 * `format: string` on some strings: not a format the API server checks
 * (kube-openapi validates only the formats it knows, and "string" is none of
 * them), so it is dropped rather than taught to ajv.
 */
import { writeSchemaFiles, type CrdSource } from "./edge-crds";

type Schema = Record<string, any>;

export const FLAGGER_SOURCE: CrdSource = {
  file: "flagger-1.44.0.json",
  group: "flagger.app",
  release: "v1.44.0",
  repo: "fluxcd/flagger",
  commit: "15bd6ad555e6c935da55f0ab95977be74c149bd6",
  kinds: [
    { path: "charts/flagger/crds/crd.yaml", kind: "Canary", version: "v1beta1" },
    { path: "charts/flagger/crds/crd.yaml", kind: "MetricTemplate", version: "v1beta1" },
  ],
};

/** The schema without `format: "string"` anywhere. */
export function withoutStringFormat(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutStringFormat);
  if (node && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node as Schema)
        .filter(([k, v]) => !(k === "format" && v === "string"))
        .map(([k, v]) => [k, withoutStringFormat(v)]),
    );
  }
  return node;
}

function main(): void {
  const [gitDir] = process.argv.slice(2);
  if (!gitDir) throw new Error("usage: flagger-crds.ts <flagger git dir>");
  writeSchemaFiles([[FLAGGER_SOURCE, gitDir]], { generator: "test/infra/schemas/flagger-crds.ts", transform: withoutStringFormat });
}

if (require.main === module) main();
