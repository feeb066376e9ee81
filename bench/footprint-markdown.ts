/**
 * The cluster footprint in words and tables: the section of bench/RESULTS.md
 * that `npm run bench:footprint` writes (bench/footprint.md), and the
 * sentence README.md carries about the dev stack.
 */
import type { Footprint, FootprintRow, PodResources, Totals } from "./cluster-footprint";

const MIB = 2 ** 20;
const cpu = (cores: number) => `${Number(cores.toFixed(3))}`;
const mib = (bytes: number) => `${Math.round(bytes / MIB)}`;
const one = (r: PodResources) => `${cpu(r.cpuRequest)} / ${mib(r.memoryRequest)}; limits ${r.cpuLimit === undefined ? "not set" : cpu(r.cpuLimit)} / ${r.memoryLimit === undefined ? "not set" : mib(r.memoryLimit)}`;

function row(r: FootprintRow): string {
  const pods = r.minPods === r.maxPods ? `${r.minPods}` : `${r.minPods}–${r.maxPods}`;
  return `| ${r.namespace} | ${r.workload} | ${pods} (${r.podsFrom}) | ${one(r.containers)} | ${r.proxy ? one(r.proxy) : "–"} |`;
}

function totalsRow(label: string, t: Totals): string {
  const without = t.podsWithoutLimits ? ` (${t.podsWithoutLimits} pods set no limit: not in the sum)` : "";
  return `| ${label} | ${t.pods} | ${cpu(t.cpuRequest)} | ${mib(t.memoryRequest)} | ${cpu(t.cpuLimit)}${without} | ${mib(t.memoryLimit)} |`;
}

/** One stack's table of pods and its totals. */
export function footprintTable(stack: string, f: Footprint): string[] {
  return [
    `### ${stack}`,
    "",
    "| namespace | pod | pods | per pod: requests CPU / MiB; limits CPU / MiB | mesh proxy per pod, the same |",
    "| --- | --- | --- | --- | --- |",
    ...f.rows.map(row),
    "",
    "| sum | pods | CPU requested | MiB requested | CPU limit | MiB limit |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    totalsRow(`the shop (namespace ${f.shopNamespace}) at rest: HPA minimums`, f.shop.atMin),
    totalsRow(`the shop at the HPA maximums`, f.shop.atMax),
    totalsRow("every pod above at rest", f.all.atMin),
    totalsRow("every pod above at the HPA maximums", f.all.atMax),
    "",
    `Not set by us (the chart's own defaults, not counted): ${f.notSetByUs.join("; ")}.`,
    "",
  ];
}

/** README's sentence about the dev stack, from its footprint. */
export function readmeSentence(dev: Footprint): string {
  return `the dev stack reserves ${cpu(dev.shop.atMin.cpuRequest)} CPU / ${mib(dev.shop.atMin.memoryRequest)} MiB for the shop at rest`;
}

export interface FootprintSection {
  readonly stacks: readonly { readonly stack: string; readonly footprint: Footprint }[];
  /** The load generator's pods, from a run of `stack` with meshmart:loadGenerator on (it is off in every stack file). */
  readonly loadGenerator?: { readonly stack: string; readonly rows: readonly FootprintRow[] };
  readonly node: string;
  readonly date: string;
}

/** bench/footprint.md: every stack's table. */
export function renderFootprint(section: FootprintSection): string {
  const lg = section.loadGenerator;
  return [
    `Computed ${section.date} by \`npm run bench:footprint\` (bench/footprint.ts, Node ${section.node}) from the objects the program declares for each stack, run under mocks as the infra tests run it (test/infra/support/run-stack.ts), never from numbers written by hand. Per pod: its containers summed (our pods declare no init containers; the ones the meshes inject to check their CNI's redirection are not counted); the mesh proxy at the resources the program gives it in the mesh's Helm values, in every pod the mesh injects; pods at the HorizontalPodAutoscaler's minimum (at rest) and maximum. CPU in cores, memory in MiB.`,
    "",
    ...section.stacks.flatMap(({ stack, footprint }) => footprintTable(stack, footprint)),
    ...(lg
      ? lg.rows.length
        ? [`### The load generator (meshmart:loadGenerator, off in every stack file; from a ${lg.stack} run with it on)`, "", "| namespace | pod | pods | per pod: requests CPU / MiB; limits CPU / MiB | mesh proxy per pod, the same |", "| --- | --- | --- | --- | --- |", ...lg.rows.map(row), ""]
        : [`The ${lg.stack} run with meshmart:loadGenerator on declared no further pod.`, ""]
      : []),
  ].join("\n");
}
