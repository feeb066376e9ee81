/**
 * Unknown-field check for declared Kubernetes objects. The API server prunes
 * fields its schema does not know, silently, so a misspelt field ships as a
 * no-op; kubernetes-models' validators ignore them too. TypeScript does not:
 * an object literal assigned to the upstream model's interface may only name
 * known properties, at every depth. So each object is written as a literal
 * typed with its model's interface (kubernetes-models, @kubernetes-models/*),
 * and the TypeScript compiler, run in memory, reports every field the
 * upstream types do not know (and every value of the wrong type).
 */
import { join, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "../../..");
/** Where the in-memory file pretends to live, so package imports resolve from the repository. */
const VIRTUAL_FILE = join(ROOT, "strict-fields.check.mts");

export interface DeclaredObject {
  /** Names the object in reports (a URN). */
  readonly id: string;
  readonly object: { readonly apiVersion: string; readonly kind: string } & Record<string, unknown>;
}

/** The package path of a kind's model, e.g. kubernetes-models/apps/v1/Deployment. */
export function modelPath(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? (apiVersion.split("/") as [string, string]) : ["", apiVersion];
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  if (group.endsWith(".istio.io")) return `@kubernetes-models/istio/${group}/${version}/${kind}`;
  if (group === "gateway.networking.k8s.io") return `@kubernetes-models/gateway-api/${group}/${version}/${kind}`;
  if (group.endsWith(".k8s.io") || !group.includes(".")) return `kubernetes-models/${group}/${version}/${kind}`;
  throw new Error(`no model package known for ${apiVersion} ${kind}`);
}

/** The TypeScript source that types each object with its model's interface. */
export function checkSource(objects: readonly DeclaredObject[]): string {
  const imports = new Map<string, string>();
  const lines: string[] = [];
  objects.forEach((o, i) => {
    const path = modelPath(o.object.apiVersion, o.object.kind);
    let alias = imports.get(path);
    if (!alias) {
      alias = `T${imports.size}`;
      imports.set(path, alias);
    }
    lines.push(`// ${i}\nexport const o${i}: ${alias} = ${JSON.stringify(o.object)};`);
  });
  const head = [...imports].map(([path, alias]) => `import type { I${path.split("/").pop()} as ${alias} } from "${path}";`);
  return [...head, ...lines].join("\n") + "\n";
}

/** Per object id, every complaint of the compiler (unknown fields above all); objects without one are absent. */
export function unknownFieldErrors(objects: readonly DeclaredObject[]): Map<string, string[]> {
  const source = checkSource(objects);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === VIRTUAL_FILE ? source : read(f));
  host.fileExists = (f) => f === VIRTUAL_FILE || exists(f);
  host.getSourceFile = (f, lang, onError, create) =>
    f === VIRTUAL_FILE ? ts.createSourceFile(f, source, lang, true) : getSource(f, lang, onError, create);
  const program = ts.createProgram([VIRTUAL_FILE], options, host);
  const file = program.getSourceFile(VIRTUAL_FILE)!;
  const out = new Map<string, string[]>();
  const statements = file.statements.filter(ts.isVariableStatement);
  for (const d of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const index = d.start === undefined ? -1 : statements.findIndex((s) => d.start! >= s.getStart(file) && d.start! < s.getEnd());
    const id = index >= 0 ? objects[index]!.id : "(the check itself)";
    const at = d.start === undefined ? "" : ` at ${pathAt(file, d.start)}`;
    out.set(id, [...(out.get(id) ?? []), `${message.split("\n")[0]}${at}`]);
  }
  return out;
}

/** The property path of the literal at `pos` (e.g. spec.template.spec.containers[0].ports[0].nmae). */
function pathAt(file: ts.SourceFile, pos: number): string {
  const parts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (pos < node.getStart(file) || pos >= node.getEnd()) return;
    if (ts.isPropertyAssignment(node)) parts.push(node.name.getText(file).replace(/^"|"$/g, ""));
    if (ts.isArrayLiteralExpression(node)) {
      const i = node.elements.findIndex((e) => pos >= e.getStart(file) && pos < e.getEnd());
      if (i >= 0) parts.push(`[${i}]`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return parts.join(".").replace(/\.\[/g, "[");
}
