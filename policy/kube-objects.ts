/**
 * What the policies read from a Kubernetes resource as Pulumi reports it:
 * the type token (`kubernetes:<group>/<version>:<Kind>`), the object's name
 * and namespace, the pod spec inside a workload, and label selectors.
 * Only the fields a policy asks for are read, so an unknown value elsewhere
 * in a preview never stops a check that does not need it.
 */

export interface KubeType {
  /** API group; "" for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** `kubernetes:apps/v1:Deployment` → {group: "apps", version: "v1", kind: "Deployment"}; undefined for other providers. */
export function kubeType(type: string): KubeType | undefined {
  const m = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!m) return undefined;
  const mid = m[1]!;
  const slash = mid.lastIndexOf("/");
  const group = slash < 0 ? mid : mid.slice(0, slash);
  const version = slash < 0 ? "" : mid.slice(slash + 1);
  return { group: group === "core" ? "" : group, version, kind: m[2]! };
}

export function isKind(type: string, group: string, kind: string): boolean {
  const t = kubeType(type);
  return t !== undefined && t.group === group && t.kind === kind;
}

/** The minimal view of a resource the policies share (ResourceValidationArgs and PolicyResource both fit). */
export interface KubeResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, any>;
}

export function objectName(r: KubeResource): string {
  return r.props["metadata"]?.["name"] ?? r.name;
}

export function objectNamespace(r: KubeResource): string | undefined {
  return r.props["metadata"]?.["namespace"];
}

/** `Deployment meshmart/users (Pulumi resource "shop-users-v1")`: how every message names a resource. */
export function describe(r: KubeResource): string {
  const kind = kubeType(r.type)?.kind ?? r.type;
  const ns = known(() => objectNamespace(r));
  return `${kind} ${ns ? `${ns}/` : ""}${objectName(r)} (Pulumi resource "${r.name}")`;
}

/** Workload kinds and where each keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  "/Pod": ["spec"],
  "/ReplicationController": ["spec", "template", "spec"],
  "apps/Deployment": ["spec", "template", "spec"],
  "apps/StatefulSet": ["spec", "template", "spec"],
  "apps/DaemonSet": ["spec", "template", "spec"],
  "apps/ReplicaSet": ["spec", "template", "spec"],
  "batch/Job": ["spec", "template", "spec"],
  "batch/CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The pod spec of a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController), else undefined. */
export function podSpec(r: KubeResource): Record<string, any> | undefined {
  const t = kubeType(r.type);
  const path = t && POD_SPEC_PATHS[`${t.group}/${t.kind}`];
  if (!path) return undefined;
  let cur: any = r.props;
  for (const key of path) cur = cur?.[key];
  return cur ?? {};
}

/** The pod template's metadata of a workload with a template (not Pod, not CronJob). */
export function podTemplateLabels(r: KubeResource): Record<string, string> {
  return r.props["spec"]?.["template"]?.["metadata"]?.["labels"] ?? {};
}

export interface NamedContainer {
  /** "container", "init container" or "ephemeral container". */
  readonly role: string;
  readonly spec: Record<string, any>;
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function allContainers(spec: Record<string, any>): NamedContainer[] {
  const of = (key: string, role: string) => ((spec[key] ?? []) as Record<string, any>[]).map((c) => ({ role, spec: c }));
  return [...of("containers", "container"), ...of("initContainers", "init container"), ...of("ephemeralContainers", "ephemeral container")];
}

export function containerLabel(c: NamedContainer): string {
  return `${c.role} "${c.spec["name"]}"`;
}

/** Whether a LabelSelector (matchLabels and matchExpressions) selects these labels; an empty selector selects everything. */
export function selects(selector: Record<string, any> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const matchLabels = (selector["matchLabels"] ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of (selector["matchExpressions"] ?? []) as { key: string; operator: string; values?: string[] }[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === "In" && !(has && values.includes(value!))) return false;
    if (e.operator === "NotIn" && has && values.includes(value!)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** A selector with no matchLabels and no matchExpressions (selects every pod). */
export function isEmptySelector(selector: Record<string, any> | undefined): boolean {
  if (!selector) return true;
  return Object.keys(selector["matchLabels"] ?? {}).length === 0 && (selector["matchExpressions"] ?? []).length === 0;
}

/** Whether an error is the policy SDK's UnknownValueError (a value a preview cannot know yet). */
export function isUnknownRead(e: unknown): boolean {
  return e instanceof Error && "unknownTypeSentinel" in e;
}

/** The value `read` returns, or undefined when it is unknown in a preview (any other error is thrown). */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (isUnknownRead(e)) return undefined;
    throw e;
  }
}

/**
 * Whether an object is in `namespace`. In a preview of a new stack the shop's
 * objects name their namespace through the Namespace's outputs, which are not
 * known yet: an object whose namespace is unknown is held to that namespace's
 * rules (at `pulumi up` every namespace is known and the check is exact).
 */
export function inNamespace(r: KubeResource, namespace: string): boolean {
  let ns: string | undefined;
  try {
    ns = objectNamespace(r);
  } catch (e) {
    if (isUnknownRead(e)) return true;
    throw e;
  }
  return ns === namespace;
}

/**
 * Whether a Service in the namespace sends traffic to a workload's pods (its
 * spec.selector, non-empty, matches the pod template's labels). A Deployment
 * no Service selects serves no one (a client such as the load generator, or a
 * worker): availability budgets and autoscaling on load are for services.
 */
export function isServed(workload: KubeResource, resources: readonly KubeResource[], namespace: string): boolean {
  const labels = podTemplateLabels(workload);
  return resources.some((s) => {
    if (!isKind(s.type, "", "Service") || !inNamespace(s, namespace)) return false;
    const selector = known(() => s.props["spec"]?.["selector"]) as Record<string, string> | undefined;
    return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
}
