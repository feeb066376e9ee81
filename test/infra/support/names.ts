/**
 * Name and label formats the API server enforces (mocks accept anything).
 * The rules are kubernetes/apimachinery pkg/util/validation/validation.go
 * (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
 * IsValidLabelValue, IsValidPortName for container ports) and, per kind,
 * kubernetes/kubernetes pkg/apis/core/validation/validation.go
 * (ValidateServiceName = NameIsDNS1035Label, ValidateNamespaceName = a
 * DNS-1123 label, most others NameIsDNSSubdomain). docs/upstream.md records them.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const isDns1123Label = (s: string) => s.length <= 63 && DNS1123_LABEL.test(s);
export const isDns1123Subdomain = (s: string) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
export const isDns1035Label = (s: string) => s.length <= 63 && DNS1035_LABEL.test(s);

/** A label or annotation key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (parts.length === 2 && (parts[0] === "" || !isDns1123Subdomain(parts[0]!))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

export const isLabelValue = (v: string) => v.length <= 63 && LABEL_VALUE.test(v);

/** IANA_SVC_NAME: at most 15 lowercase alphanumerics or '-', one letter at least, no '-' at either end or twice in a row. */
export const isPortName = (s: string) => s.length <= 15 && /^[-a-z0-9]+$/.test(s) && /[a-z]/.test(s) && !s.startsWith("-") && !s.endsWith("-") && !s.includes("--");

/** The metadata.name rule of a kind. */
export function nameRule(kind: string): { readonly rule: string; readonly check: (s: string) => boolean } {
  if (kind === "Service") return { rule: "DNS-1035 label", check: isDns1035Label };
  if (kind === "Namespace") return { rule: "DNS-1123 label", check: isDns1123Label };
  return { rule: "DNS-1123 subdomain", check: isDns1123Subdomain };
}

/** Every name, label and annotation in an object that breaks the API server's formats. */
export function nameErrors(object: any): string[] {
  const errors: string[] = [];
  const { rule, check } = nameRule(object.kind);
  const name = object.metadata?.name;
  if (typeof name !== "string" || !check(name)) errors.push(`metadata.name ${JSON.stringify(name)} is not a ${rule}`);
  const ns = object.metadata?.namespace;
  if (ns !== undefined && (typeof ns !== "string" || !isDns1123Label(ns))) errors.push(`metadata.namespace ${JSON.stringify(ns)} is not a DNS-1123 label`);

  const labelMap = (path: string, map: unknown) => {
    if (!map || typeof map !== "object") return;
    for (const [k, v] of Object.entries(map)) {
      if (!isQualifiedName(k)) errors.push(`${path}: key ${JSON.stringify(k)} is not a qualified name`);
      if (typeof v !== "string" || !isLabelValue(v)) errors.push(`${path}.${k}: value ${JSON.stringify(v)} is not a valid label value`);
    }
  };
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
    if (!value || typeof value !== "object") return;
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (k === "matchLabels") labelMap(at, v);
      else if (k === "metadata" && v && typeof v === "object") {
        // Kubernetes metadata only (a PrometheusRule's rule labels are Prometheus's, not these).
        const meta = v as { labels?: unknown; annotations?: Record<string, unknown> };
        labelMap(`${at}.labels`, meta.labels);
        for (const key of Object.keys(meta.annotations ?? {})) if (!isQualifiedName(key)) errors.push(`${at}.annotations: key ${JSON.stringify(key)} is not a qualified name`);
      } else walk(v, at);
    }
  };
  walk(object, "");
  if (object.kind === "Service") labelMap("spec.selector", object.spec?.selector);

  const pod = object.spec?.template?.spec;
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    if (!isDns1123Label(c.name)) errors.push(`container name ${JSON.stringify(c.name)} is not a DNS-1123 label`);
    for (const p of c.ports ?? []) if (p.name !== undefined && !isPortName(p.name)) errors.push(`container ${c.name} port name ${JSON.stringify(p.name)} is not an IANA_SVC_NAME`);
  }
  return errors;
}
