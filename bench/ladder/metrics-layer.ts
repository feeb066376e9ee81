/**
 * The metrics layer alone, without HTTP around it: what recording one
 * request's RED metrics costs in CPU, the kit's way against
 * `@hono/prometheus`'s middleware set up to export the same series.
 *
 * - `kit`: the kit records inside the one middleware every request already
 *   goes through (observe.ts): `requestMetrics()` with `methodLabel()` and
 *   `routeLabel()`, in its `finally`.
 * - `hono-prometheus`: the same one middleware without the recording, plus
 *   `@hono/prometheus`'s `registerMetrics` as a middleware of its own, given
 *   the kit's buckets and, as custom labels, the kit's method and route
 *   labels (without them its `method` is the raw request method, unbounded,
 *   and its `route` of an unmatched request is the catch-all's path). Its
 *   `ok` label cannot be left out: it is added to every series.
 * - `none`: the same one middleware, nothing recorded: the layer's zero.
 *
 * Requests go through `app.fetch()` in-process, ten per turn of the event
 * loop as under load, to a users-like route that answers JSON. Each round is
 * a child process (a fresh heap and JIT) charged with its CPU time
 * (process.cpuUsage); variants alternate their order from round to round.
 *
 *   npx tsx bench/ladder/metrics-layer.ts            # METRICS_ROUNDS=9 by default
 */
import { spawn } from "node:child_process";
import { prometheus } from "@hono/prometheus";
import { Hono, type Context } from "hono";
import { Registry } from "prom-client";
import { DURATION_BUCKETS } from "../../services/kit/buckets";
import { methodLabel, requestMetrics } from "../../services/kit/metrics";
import { routeLabel } from "../../services/kit/route-label";
import { median } from "../stats";
import { wholeNumberFromEnv } from "../whole-number";

const VARIANTS = ["none", "kit", "hono-prometheus"] as const;
type Variant = (typeof VARIANTS)[number];
const REQUESTS = 100_000;
const WARMUP = 20_000;
const PER_TURN = 10;

async function child(variant: Variant): Promise<void> {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "users", version: "v1" });
  const record = variant === "kit" ? requestMetrics(registry) : undefined;
  const app = new Hono();
  // the one middleware every request goes through (observe.ts), recording or not
  app.use("*", async (c, next) => {
    const started = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      if (record) record(c.req.method, routeLabel(c), status, (performance.now() - started) / 1000);
    }
  });
  if (variant === "hono-prometheus") {
    const labels = { method: (c: Context) => methodLabel(c.req.method), route: routeLabel };
    // its typed options have no `buckets`, though its code passes them on to prom-client: given as a variable
    const requestDuration = { customLabels: labels, buckets: [...DURATION_BUCKETS] };
    const { registerMetrics } = prometheus({ registry, metricOptions: { requestDuration, requestsTotal: { customLabels: labels } } });
    app.use("*", registerMetrics);
  }
  app.get("/users/:id", (c) => c.json({ id: c.req.param("id"), name: "Ada" }));

  const run = async (count: number) => {
    for (let i = 0; i < count; i += PER_TURN) {
      const batch: Promise<Response>[] = [];
      for (let j = 0; j < PER_TURN; j++) batch.push(Promise.resolve(app.fetch(new Request(`http://users.test/users/${(i + j) % 50}`))));
      for (const res of await Promise.all(batch)) await res.arrayBuffer();
    }
  };
  await run(WARMUP);
  const before = process.cpuUsage();
  await run(REQUESTS);
  const used = process.cpuUsage(before);
  const exposition = await registry.metrics();
  if (variant !== "none" && !exposition.includes('route="/users/:id"')) throw new Error(`${variant}: no series for the route template`);
  if (variant !== "none" && !exposition.includes('le="0.025"')) throw new Error(`${variant}: not the kit's buckets`);
  if (process.env.METRICS_SHOW) process.stderr.write(exposition.split("\n").filter((l) => l.startsWith("http_requests_total")).join("\n") + "\n");
  process.stdout.write(`${JSON.stringify({ usPerRequest: (used.user + used.system) / REQUESTS })}\n`);
}

function round(variant: Variant): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", __filename], { env: { ...process.env, METRICS_VARIANT: variant }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.on("close", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`metrics-layer round ${variant} failed (${code}): ${out}`));
      resolve((JSON.parse(last) as { usPerRequest: number }).usPerRequest);
    });
  });
}

async function main(): Promise<void> {
  const rounds = wholeNumberFromEnv(process.env, "METRICS_ROUNDS", 9);
  const results: Record<Variant, number[]> = { none: [], kit: [], "hono-prometheus": [] };
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) {
      const us = await round(variant);
      results[variant].push(us);
      process.stdout.write(`metrics-layer: round ${i + 1}/${rounds} ${variant.padEnd(15)} ${us.toFixed(2)} µs per request\n`);
    }
  }
  const layer = (variant: Variant) => results[variant].map((us, i) => us - results.none[i]!);
  const describe = (values: number[]) => `median ${median(values).toFixed(2)} µs (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
  process.stdout.write(`metrics-layer: Node ${process.version}, ${rounds} rounds of ${REQUESTS} requests; the layer over none: kit ${describe(layer("kit"))}; @hono/prometheus ${describe(layer("hono-prometheus"))}\n`);
  process.stdout.write(`${JSON.stringify({ node: process.version, rounds, requests: REQUESTS, ...results })}\n`);
}

const variant = process.env.METRICS_VARIANT as Variant | undefined;
if (variant) {
  void child(variant).catch((err: unknown) => {
    process.stderr.write(`metrics-layer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
} else if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`metrics-layer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
