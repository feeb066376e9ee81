/**
 * mesh-report.md and its charts, from the state file alone: the three stacks
 * side by side, each mesh's overhead relative to dev, the machine's
 * description, every figure with its round count and spread, rates a stack
 * did not sustain marked as such, and what the numbers cannot separate.
 * Every figure has exactly one chart (charts/figure-<n>.png).
 */
import { join } from "node:path";
import { JOURNEYS } from "../../infra/observability/slo";
import type { ChartSpec } from "./chart-render";
import { RESOURCE_GROUPS } from "./mesh-promql";
import { figure, hopsOf, overhead, rateCell, SUSTAINED_MAX_ERRORS, SUSTAINED_SHARE, totalUsage, type RateCell, type Spread } from "./report-figures";
import type { RoundResult, RunState, StackName } from "./run-state";

export const CHARTS_DIR = "charts";
const COLORS: Record<StackName, string> = { dev: "#6b7280", istio: "#2563eb", linkerd: "#0d9488" };
const GROUP_COLORS = ["#1d4ed8", "#dc2626", "#7c3aed", "#d97706", "#059669", "#9ca3af"];

export interface ReportDocument {
  readonly markdown: string;
  readonly charts: ChartSpec[];
}

const num = (v: number, digits = 1) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits));
const fmt = (s: Spread | undefined, unit: string, scale = 1, digits = 1) =>
  s ? `${num(s.median * scale, digits)}${unit} (${num(s.min * scale, digits)}–${num(s.max * scale, digits)}, n=${s.n})` : "no data";
const mark = (cell: RateCell | undefined) => (cell && cell.unsustained > 0 ? ` ⚠ not sustained in ${cell.unsustained} of ${cell.rounds.length} rounds` : "");
const pct = (v: number) => `${v >= 0 ? "+" : ""}${(v * 100).toFixed(0)}%`;

function statusOf(state: RunState, stack: StackName): string {
  const rec = state.stacks[stack];
  if (!rec) return "not in this run";
  if (rec.failure) return `failed at "${rec.failure.phase}": ${rec.failure.message}`;
  return { pending: "not measured yet", up: "measuring (interrupted)", measured: "measured, not destroyed yet", destroyed: "measured and destroyed", failed: "failed" }[rec.status];
}

export function buildReport(state: RunState, outDir: string): ReportDocument {
  const { plan } = state;
  const stacks = plan.stacks;
  const meshes = stacks.filter((s) => s !== "dev");
  const charts: ChartSpec[] = [];
  const md: string[] = [];
  let n = 0;
  const addFigure = (title: string, caption: string, config: Record<string, unknown>, body: string[]) => {
    n++;
    const file = `${CHARTS_DIR}/figure-${n}.png`;
    // a stack without data in this figure is left out of its chart (its table says "no data")
    const data = config.data as { datasets: { data: unknown[] }[] };
    const datasets = data.datasets.filter((d) => d.data.some((v) => v !== null));
    const where = state.machine ? `measured on: ${state.machine.label}` : "not measured yet";
    charts.push({
      file: join(outDir, file),
      width: 960,
      height: 480,
      config: { ...config, data: { ...data, datasets }, options: { ...(config.options as object), plugins: { title: { display: true, text: `Figure ${n}: ${title}` }, subtitle: { display: true, text: [caption, where] } } } },
    });
    md.push(`### Figure ${n}: ${title}`, "", `![Figure ${n}: ${title}](${file})`, "", `*${caption}*`, "", ...body, "");
  };
  const cell = (s: StackName, rate: number) => rateCell(state, s, rate);
  const rateLabels = plan.rates.map((r) => `${r}/s`);

  md.push(
    "# What a mesh costs: dev, istio and linkerd on one cluster",
    "",
    `Run started ${state.startedAt}. Stacks: ${stacks.join(", ")}. Offered rates: ${plan.rates.map((r) => `${r} requests/s`).join(", ")}, ` +
      `${plan.rounds} round(s) of ${plan.roundSeconds} s each after a ${plan.warmupSeconds} s warm-up. ` +
      `Every figure is the median of its rounds with min–max and the round count n; a rate counts as sustained when, in every round, ` +
      `the gateway served at least ${SUSTAINED_SHARE * 100}% of the offered rate with at most ${SUSTAINED_MAX_ERRORS * 100}% of answers 5xx. ` +
      "Overheads compare medians, and only where both stacks sustained the rate.",
    "",
    "## Where it was measured",
    "",
  );
  const m = state.machine;
  if (m) {
    md.push(`**${m.label}.** Driven from ${m.host.cpuModel} × ${m.host.cpus}, ${num(m.host.memoryBytes / 2 ** 30)} GiB, ${m.host.platform} ${m.host.release}.`, "");
    if (m.nodes.length) {
      md.push("| node | CPU | memory | OS | kernel | kubelet | runtime | arch |", "| --- | --- | --- | --- | --- | --- | --- | --- |");
      for (const node of m.nodes) md.push(`| ${node.name} | ${node.cpu} | ${node.memory} | ${node.os} | ${node.kernel} | ${node.kubelet} | ${node.runtime} | ${node.arch} |`);
    } else md.push("No Kubernetes nodes: not a cluster run.");
  } else md.push("Not described (the run has not started).");
  md.push("", "## The stacks", "", "| stack | status | up until ready | destroy | left behind |", "| --- | --- | --- | --- | --- |");
  for (const s of stacks) {
    const rec = state.stacks[s]!;
    md.push(`| ${s} | ${statusOf(state, s)} | ${rec.upSeconds !== undefined ? `${rec.upSeconds} s (n=1)` : "–"} | ${rec.destroySeconds !== undefined ? `${rec.destroySeconds} s (n=1)` : "–"} | ${rec.leftovers === undefined ? "not checked" : rec.leftovers.length ? rec.leftovers.join("; ") : "nothing"} |`);
  }
  md.push("", "## Figures", "");

  // latency per journey and rate
  for (const j of JOURNEYS) {
    const datasets = stacks.flatMap((s) => {
      const p99 = plan.rates.map((r) => figure(cell(s, r), (x) => x.journeys[j.name]?.p99Ms));
      const p50 = plan.rates.map((r) => figure(cell(s, r), (x) => x.journeys[j.name]?.p50Ms));
      const style = plan.rates.map((r) => ((cell(s, r)?.unsustained ?? 0) > 0 ? "crossRot" : "circle"));
      return [
        { type: "line", label: `${s} p99`, data: p99.map((v) => v?.median ?? null), borderColor: COLORS[s], backgroundColor: COLORS[s], pointStyle: style, pointRadius: 6 },
        { type: "line", label: `${s} p50`, data: p50.map((v) => v?.median ?? null), borderColor: COLORS[s], backgroundColor: COLORS[s], borderDash: [6, 4], pointStyle: style },
        { type: "bar", label: `${s} p99 min–max`, data: p99.map((v) => (v ? [v.min, v.max] : null)), backgroundColor: `${COLORS[s]}44`, grouped: false, barPercentage: 0.3 },
      ];
    });
    const rows = plan.rates.map((r) => {
      const cells = stacks.map((s) => {
        const c = cell(s, r);
        return `p50 ${fmt(figure(c, (x) => x.journeys[j.name]?.p50Ms), " ms")}; p99 ${fmt(figure(c, (x) => x.journeys[j.name]?.p99Ms), " ms")}${mark(c)}`;
      });
      const over = meshes.map((s) => {
        const o = overhead(figure(cell("dev", r), (x) => x.journeys[j.name]?.p99Ms), cell("dev", r), figure(cell(s, r), (x) => x.journeys[j.name]?.p99Ms), cell(s, r));
        return o ? `${o.abs >= 0 ? "+" : ""}${num(o.abs)} ms (${pct(o.rel)})` : "–";
      });
      return `| ${r}/s | ${[...cells, ...over].join(" | ")} |`;
    });
    addFigure(
      `${j.title}: p50 and p99 latency by offered rate`,
      `gateway's ${j.method} ${j.routes.join(", ")}; lines: median of each rate's rounds (dashed p50), bars: p99 min–max, × = rate not sustained`,
      { type: "bar", data: { labels: rateLabels, datasets }, options: { scales: { y: { title: { display: true, text: "ms" }, beginAtZero: true }, x: { title: { display: true, text: "offered requests/s" } } } } },
      [`| rate | ${stacks.join(" | ")}${meshes.map((s) => ` | p99 ${s} vs dev`).join("")} |`, `| --- | ${stacks.map(() => "---").join(" | ")}${meshes.map(() => " | ---").join("")} |`, ...rows],
    );
  }

  // per hop p99, one figure per rate
  const hops = hopsOf(state);
  for (const r of plan.rates) {
    const datasets = stacks.map((s) => {
      const v = hops.map((h) => figure(cell(s, r), (x) => x.hops[h]?.p99Ms));
      return { label: `${s} p99 (median)`, data: v.map((x) => x?.median ?? null), backgroundColor: COLORS[s] };
    });
    const rows = hops.map((h) => `| ${h} | ${stacks.map((s) => `p50 ${fmt(figure(cell(s, r), (x) => x.hops[h]?.p50Ms), " ms")}; p99 ${fmt(figure(cell(s, r), (x) => x.hops[h]?.p99Ms), " ms")}${mark(cell(s, r))}`).join(" | ")} |`);
    addFigure(
      `each hop's p99 at ${r} requests/s offered`,
      "the caller's own client-side histogram (upstream_request_duration_seconds): in a mesh it includes both proxies; median of the rounds",
      { type: "bar", data: { labels: hops, datasets }, options: { indexAxis: "y", scales: { x: { title: { display: true, text: "ms" }, beginAtZero: true } } } },
      [`| hop (caller → upstream) | ${stacks.join(" | ")} |`, `| --- | ${stacks.map(() => "---").join(" | ")} |`, ...(rows.length ? rows : ["| no hop had data | |"])],
    );
  }

  // achieved rate and errors
  {
    const datasets = [
      { type: "line", label: "offered", data: plan.rates, borderColor: "#000000", borderDash: [2, 2] },
      ...stacks.flatMap((s) => {
        const v = plan.rates.map((r) => figure(cell(s, r), (x) => x.achievedRps));
        return [
          { type: "line", label: `${s} served (median)`, data: v.map((x) => x?.median ?? null), borderColor: COLORS[s], backgroundColor: COLORS[s] },
          { type: "bar", label: `${s} min–max`, data: v.map((x) => (x ? [x.min, x.max] : null)), backgroundColor: `${COLORS[s]}44`, grouped: false, barPercentage: 0.3 },
        ];
      }),
    ];
    const rows = plan.rates.map((r) => `| ${r}/s | ${stacks.map((s) => `${fmt(figure(cell(s, r), (x) => x.achievedRps), "/s")}; 5xx ${fmt(figure(cell(s, r), (x) => x.errorRatio), "%", 100, 2)}${mark(cell(s, r))}`).join(" | ")} |`);
    addFigure(
      "requests served against requests offered, and the 5xx share",
      "shoppers' requests per second the gateway served (probes and scrapes aside); a rate below the offered line was not sustained",
      { type: "bar", data: { labels: rateLabels, datasets }, options: { scales: { y: { title: { display: true, text: "requests/s" }, beginAtZero: true } } } },
      [`| offered | ${stacks.join(" | ")} |`, `| --- | ${stacks.map(() => "---").join(" | ")} |`, ...rows],
    );
  }

  // resources
  for (const [field, title, unit, scale] of [
    ["cpuCores", "CPU by component", " cores", 1],
    ["memoryBytes", "memory (working set) by component", " MiB", 1 / 2 ** 20],
  ] as const) {
    const columns = stacks.flatMap((s) => plan.rates.filter((r) => cell(s, r)).map((r) => ({ s, r })));
    const datasets = RESOURCE_GROUPS.map((g, i) => ({
      label: g,
      data: columns.map(({ s, r }) => {
        const v = figure(cell(s, r), (x) => x.resources[g]?.[field]);
        return v ? v.median * scale : null;
      }),
      backgroundColor: GROUP_COLORS[i],
    }));
    const rows = RESOURCE_GROUPS.map((g) => `| ${g} | ${plan.rates.map((r) => stacks.map((s) => fmt(figure(cell(s, r), (x) => x.resources[g]?.[field]), unit, scale, field === "cpuCores" ? 3 : 0)).join(" / ")).join(" | ")} |`);
    const totals = plan.rates.map((r) => {
      const base = figure(cell("dev", r), (x: RoundResult) => totalUsage(x, field));
      return meshes
        .map((s) => {
          const o = overhead(base, cell("dev", r), figure(cell(s, r), (x: RoundResult) => totalUsage(x, field)), cell(s, r));
          return `${s} ${o ? `${o.abs >= 0 ? "+" : ""}${num(o.abs * scale, field === "cpuCores" ? 3 : 0)}${unit} (${pct(o.rel)})` : "–"}`;
        })
        .join("; ");
    });
    addFigure(
      `${title}, per stack and offered rate`,
      `cAdvisor's ${field === "cpuCores" ? "container_cpu_usage_seconds_total (rate)" : "container_memory_working_set_bytes (average)"} over each round, median of the rounds, stacked by component; the load generator is shown but not part of the totals`,
      { type: "bar", data: { labels: columns.map(({ s, r }) => `${s} @ ${r}/s`), datasets }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: unit.trim() } } } } },
      [
        `| component | ${plan.rates.map((r) => `${r}/s: ${stacks.join(" / ")}`).join(" | ")} |`,
        `| --- | ${plan.rates.map(() => "---").join(" | ")} |`,
        ...rows,
        `| **overhead of the total vs dev** | ${totals.join(" | ")} |`,
      ],
    );
  }

  // time to up and destroy
  {
    const up = stacks.map((s) => state.stacks[s]?.upSeconds ?? null);
    const down = stacks.map((s) => state.stacks[s]?.destroySeconds ?? null);
    addFigure(
      "time from pulumi up to every workload ready, and pulumi destroy",
      "seconds, one run of each (n=1: no spread)",
      { type: "bar", data: { labels: stacks, datasets: [{ label: "up until ready", data: up, backgroundColor: "#2563eb" }, { label: "destroy", data: down, backgroundColor: "#dc2626" }] }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: "s" } } } } },
      ["| stack | up until ready | destroy |", "| --- | --- | --- |", ...stacks.map((s, i) => `| ${s} | ${up[i] ?? "–"} s (n=1) | ${down[i] ?? "–"} s (n=1) |`)],
    );
  }

  md.push(
    "## What these numbers cannot separate",
    "",
    "- **mTLS from the proxy.** Both meshes encrypt every hop and proxy it in the same process; a hop's added latency and a proxy's CPU are the sum of the two, and this run has no mesh configuration with a proxy but without mTLS to subtract.",
    "- **Policy from the proxy.** Each mesh also enforces the authorization graph per request (AuthorizationPolicy, Server/HTTPRoute authorizations), its retries and its timeouts; their cost is inside the proxy's.",
    "- **The edge and the gateway's inbound proxy.** The journeys' latency is the gateway's own histogram: it starts when the gateway's process has the request, so it excludes ingress-nginx and, in a mesh, the gateway's inbound proxy. The hops' latency is the caller's client side, so it includes both proxies of that hop.",
    "- **The monitoring stack's own mesh cost.** In istio, Prometheus also scrapes every sidecar (the Envoy PodMonitor), so monitoring grows with the mesh; linkerd-viz runs its own Prometheus, counted with the control plane.",
    "- **Autoscaling and the cluster's neighbours.** The HPAs may add replicas under load, which moves CPU and memory; other tenants of the nodes add noise the rounds' spread shows but cannot remove.",
    "- **Finer than the histograms' buckets.** p50 and p99 are estimated by `histogram_quantile` from the request-duration buckets (services/kit/buckets.ts), interpolated linearly inside a bucket: a difference smaller than the bucket's width around that latency is not resolved.",
    "- **The load generator's own limits.** One pod at most 20 journeys in flight and 500m CPU: a rate it cannot offer shows as not sustained for every stack alike, which is the generator's limit, not the shop's.",
    "",
    "## Queries",
    "",
    "The PromQL of every figure is kept with each round in the state file (`mesh-report-state.json`, `queries`).",
    "",
  );
  return { markdown: md.join("\n"), charts };
}
