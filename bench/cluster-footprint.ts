/**
 * The cluster footprint of a stack: the CPU and memory that every pod it
 * creates requests and may use (limits), summed, from the objects the program
 * declares (one run under mocks, test/infra/support/run-stack.ts), never from
 * numbers written by hand:
 *
 * - every Deployment and StatefulSet, its containers summed, times its pods:
 *   the HorizontalPodAutoscaler's minimum and maximum when one targets it,
 *   else its replicas (1 when unset, as Kubernetes defaults);
 * - the mesh's proxy in every pod the mesh injects (the namespace's
 *   istio-injection label or linkerd.io/inject annotation, or the pod's own),
 *   at the resources the program gives the proxies in its Helm values
 *   (istiod's global.proxy.resources; linkerd-control-plane's proxy.resources);
 * - each `resources` block our Helm releases' values set, one pod per block
 *   unless a replicaCount/replicas beside it says otherwise; whatever else a
 *   chart runs is listed as not set by us, never guessed.
 *
 * Our pods declare no init containers (a declared one stops the computation:
 * Kubernetes reserves the larger of the biggest init container and the sum of
 * the containers, plus every native sidecar, and this sum would be wrong).
 * The meshes' own injected init containers (Istio's CNI validation, Linkerd's
 * network validator) are not counted.
 */
import { parseQuantity } from "../infra/quota";
import { reveal } from "../test/infra/support/stacks";

/** What the footprint reads of one resource registration (test/infra/support/stacks.ts's Registration). */
export interface DeclaredObject {
  readonly type: string;
  readonly inputs: any;
}

/** CPU in cores and memory in bytes; a limit of undefined is one no container of the pod sets. */
export interface PodResources {
  readonly cpuRequest: number;
  readonly memoryRequest: number;
  readonly cpuLimit?: number;
  readonly memoryLimit?: number;
}

export interface FootprintRow {
  readonly namespace: string;
  /** Deployment/StatefulSet name, or "<release>: <values path>" for a Helm release's pod. */
  readonly workload: string;
  readonly minPods: number;
  readonly maxPods: number;
  /** Where the pod count comes from, in words. */
  readonly podsFrom: string;
  /** The pod's own containers, summed. */
  readonly containers: PodResources;
  /** The mesh proxy the pod gets injected, if any. */
  readonly proxy?: PodResources;
}

export interface Totals {
  readonly pods: number;
  readonly cpuRequest: number;
  readonly memoryRequest: number;
  readonly cpuLimit: number;
  readonly memoryLimit: number;
  /** Pods counted with no limit on some resource (their limit is missing from the sums). */
  readonly podsWithoutLimits: number;
}

export interface Footprint {
  readonly rows: readonly FootprintRow[];
  /** The shop's namespace (the Namespace labelled part-of meshmart): its Deployments and StatefulSets, with their proxies. */
  readonly shopNamespace: string;
  readonly shop: { readonly atMin: Totals; readonly atMax: Totals };
  readonly all: { readonly atMin: Totals; readonly atMax: Totals };
  /** Helm releases whose pods (some or all) have resources our values do not set. */
  readonly notSetByUs: readonly string[];
}

/** Every revealed input of a Kubernetes kind in the run (the {"$secret": v} marks stripped). */
function declared(objects: readonly DeclaredObject[], kind: string): any[] {
  return objects.filter((o) => o.type.startsWith("kubernetes:") && o.type.endsWith(`:${kind}`)).map((o) => reveal(o.inputs));
}

/** A Kubernetes resources block ({requests, limits}) as numbers. */
export function podResources(blocks: readonly any[]): PodResources {
  const sum = (pick: (b: any) => string | undefined) => blocks.reduce((total, b) => total + parseQuantity(pick(b) ?? "0"), 0);
  const allSet = (pick: (b: any) => string | undefined) => blocks.every((b) => pick(b) !== undefined);
  return {
    cpuRequest: sum((b) => b?.requests?.cpu),
    memoryRequest: sum((b) => b?.requests?.memory),
    ...(allSet((b) => b?.limits?.cpu) ? { cpuLimit: sum((b) => b.limits.cpu) } : {}),
    ...(allSet((b) => b?.limits?.memory) ? { memoryLimit: sum((b) => b.limits.memory) } : {}),
  };
}

type Mesh = { readonly name: "istio" | "linkerd"; readonly proxy: PodResources; readonly release: string; readonly valuesPath: string };

/** The mesh whose control plane the run installs, and the proxy resources its values give every injected proxy. */
function meshOf(releases: readonly any[]): Mesh | undefined {
  const istiod = releases.find((r) => r.chart === "istiod");
  const istioProxy = istiod?.values?.global?.proxy?.resources;
  if (istioProxy) return { name: "istio", proxy: podResources([istioProxy]), release: istiod.name, valuesPath: "global.proxy.resources" };
  const linkerd = releases.find((r) => r.chart === "linkerd-control-plane");
  const l = linkerd?.values?.proxy?.resources;
  if (l) {
    // Linkerd's chart takes {cpu: {request, limit}, memory: {request, limit}}.
    const block = { requests: { cpu: l.cpu?.request, memory: l.memory?.request }, limits: { cpu: l.cpu?.limit, memory: l.memory?.limit } };
    return { name: "linkerd", proxy: podResources([block]), release: linkerd.name, valuesPath: "proxy.resources" };
  }
  return undefined;
}

/** Whether the mesh injects its proxy into a pod with these labels/annotations in a namespace with these. */
function injected(mesh: Mesh | undefined, ns: any, pod: { labels?: Record<string, string>; annotations?: Record<string, string> }): boolean {
  if (!mesh) return false;
  if (mesh.name === "istio") {
    const own = pod.labels?.["sidecar.istio.io/inject"];
    if (own !== undefined) return own === "true";
    return ns?.metadata?.labels?.["istio-injection"] === "enabled";
  }
  const own = pod.annotations?.["linkerd.io/inject"];
  if (own !== undefined) return own === "enabled";
  return ns?.metadata?.annotations?.["linkerd.io/inject"] === "enabled";
}

/** Every object in a Helm values tree holding a `resources` block with requests or limits, with its path. */
function resourceBlocks(value: unknown, path: string[] = []): { path: string[]; owner: any }[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  const o = value as Record<string, any>;
  const here = o["resources"] && typeof o["resources"] === "object" && (o["resources"].requests || o["resources"].limits) ? [{ path, owner: o }] : [];
  return [...here, ...Object.entries(o).flatMap(([k, v]) => (k === "resources" ? [] : resourceBlocks(v, [...path, k])))];
}

/** The pod labels and annotations a Helm component's values set beside its resources (string maps under a key naming labels or annotations). */
function componentPodMeta(owner: any): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const visit = (v: unknown, key: string) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === "string" && /label/i.test(key)) labels[k] = x;
      else if (typeof x === "string" && /annotation/i.test(key)) annotations[k] = x;
      else if (k !== "resources") visit(x, k);
    }
  };
  visit(owner, "");
  return { labels, annotations };
}

function totals(rows: readonly FootprintRow[], pods: (r: FootprintRow) => number): Totals {
  let t = { pods: 0, cpuRequest: 0, memoryRequest: 0, cpuLimit: 0, memoryLimit: 0, podsWithoutLimits: 0 };
  for (const row of rows) {
    const n = pods(row);
    const parts = [row.containers, ...(row.proxy ? [row.proxy] : [])];
    const limitless = parts.some((p) => p.cpuLimit === undefined || p.memoryLimit === undefined);
    t = {
      pods: t.pods + n,
      cpuRequest: t.cpuRequest + n * parts.reduce((s, p) => s + p.cpuRequest, 0),
      memoryRequest: t.memoryRequest + n * parts.reduce((s, p) => s + p.memoryRequest, 0),
      cpuLimit: t.cpuLimit + n * parts.reduce((s, p) => s + (p.cpuLimit ?? 0), 0),
      memoryLimit: t.memoryLimit + n * parts.reduce((s, p) => s + (p.memoryLimit ?? 0), 0),
      podsWithoutLimits: t.podsWithoutLimits + (limitless ? n : 0),
    };
  }
  return t;
}

export function clusterFootprint(objects: readonly DeclaredObject[]): Footprint {
  const namespaces = new Map(declared(objects, "Namespace").map((ns) => [ns.metadata.name as string, ns]));
  const shopNamespace = [...namespaces.values()].find((ns) => ns.metadata.labels?.["app.kubernetes.io/part-of"] === "meshmart")?.metadata.name;
  if (!shopNamespace) throw new Error("the run declares no Namespace labelled app.kubernetes.io/part-of=meshmart");
  const releases = declared(objects, "Release");
  const mesh = meshOf(releases);
  const hpas = declared(objects, "HorizontalPodAutoscaler");
  const rows: FootprintRow[] = [];

  for (const kind of ["Deployment", "StatefulSet"]) {
    for (const w of declared(objects, kind)) {
      const namespace = w.metadata.namespace as string;
      const hpa = hpas.find((h) => h.metadata.namespace === namespace && h.spec.scaleTargetRef.kind === kind && h.spec.scaleTargetRef.name === w.metadata.name);
      const fixed = w.spec.replicas ?? 1;
      const template = w.spec.template;
      if (template.spec.initContainers?.length) throw new Error(`${kind} ${w.metadata.name} declares init containers: the footprint does not count them yet`);
      const proxied = injected(mesh, namespaces.get(namespace), template.metadata ?? {});
      rows.push({
        namespace,
        workload: `${w.metadata.name} (${kind})`,
        minPods: hpa ? (hpa.spec.minReplicas ?? 1) : fixed,
        maxPods: hpa ? hpa.spec.maxReplicas : fixed,
        podsFrom: hpa ? "HPA min–max" : w.spec.replicas === undefined ? "replicas unset: 1" : "replicas",
        containers: podResources(template.spec.containers.map((c: any) => c.resources ?? {})),
        ...(proxied ? { proxy: mesh!.proxy } : {}),
      });
    }
  }

  const notSetByUs: string[] = [];
  for (const release of releases) {
    const blocks = resourceBlocks(release.values ?? {}).filter(({ path }) => !(mesh && release.name === mesh.release && `${path.join(".")}.resources` === mesh.valuesPath));
    for (const { path, owner } of blocks) {
      const replicas = typeof owner.replicaCount === "number" ? owner.replicaCount : typeof owner.replicas === "number" ? owner.replicas : undefined;
      const proxied = injected(mesh, namespaces.get(release.namespace), componentPodMeta(owner));
      rows.push({
        namespace: release.namespace,
        workload: `${release.name}: ${[...path, "resources"].join(".")}`,
        minPods: replicas ?? 1,
        maxPods: replicas ?? 1,
        podsFrom: replicas === undefined ? "replicas not set by us: 1 counted" : "replicas in our values",
        containers: podResources([owner.resources]),
        ...(proxied ? { proxy: mesh!.proxy } : {}),
      });
    }
    notSetByUs.push(
      blocks.length
        ? `${release.name} (chart ${release.chart} ${release.version}): every pod but ${blocks.map(({ path }) => path.join(".") || "the main one").join(", ")}`
        : `${release.name} (chart ${release.chart} ${release.version}): every pod`,
    );
  }

  const shopRows = rows.filter((r) => r.namespace === shopNamespace && !r.workload.includes(": "));
  return {
    rows,
    shopNamespace,
    shop: { atMin: totals(shopRows, (r) => r.minPods), atMax: totals(shopRows, (r) => r.maxPods) },
    all: { atMin: totals(rows, (r) => r.minPods), atMax: totals(rows, (r) => r.maxPods) },
    notSetByUs,
  };
}
