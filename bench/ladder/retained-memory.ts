/**
 * Does a service keep anything per request? One fresh process of each
 * service under test (RETAINED_SERVICES, default payment) gets the benchmark's
 * warm-up traffic (bench/memory.ts: payment replays one idempotent charge)
 * burst after burst; after each burst the heap probe (heap-probe.mjs, with
 * --expose-gc) collects all garbage and reads what V8 still holds — live
 * objects (used_heap_size) — beside the process's private memory. A leak
 * grows with the requests served; a heap that only grew its young
 * generation gives it back at the collection and stays flat.
 *
 *   npx tsx bench/ladder/retained-memory.ts
 *   RETAINED_SERVICES=payment,orders RETAINED_BURSTS=8 npx tsx bench/ladder/retained-memory.ts
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { SERVICES, type ServiceName } from "../../services/topology";
import { startTestRedis } from "../../test/support/test-redis";
import { load } from "../load";
import { warmupRequest } from "../memory";
import { memoryOf } from "../processes";
import { wholeNumberFromEnv } from "../whole-number";
import { bundleOfRef } from "./http-client-cost";
import { PROBE, probe, serviceEnv, startUpstreams } from "./idle-memory";

async function main(): Promise<void> {
  const services = (process.env.RETAINED_SERVICES ?? "payment").split(",").map((name) => {
    if (!(name in SERVICES)) throw new Error(`RETAINED_SERVICES: unknown service ${JSON.stringify(name)}`);
    return name as ServiceName;
  });
  const bursts = wholeNumberFromEnv(process.env, "RETAINED_BURSTS", 6);
  const seconds = wholeNumberFromEnv(process.env, "RETAINED_SECONDS", 3);
  const built = bundleOfRef(process.env.RETAINED_REF ?? "HEAD");
  const probeDir = mkdtempSync(join(tmpdir(), "meshmart-heap-probe-"));
  const redis = await startTestRedis();
  const children: ServiceProcess[] = [];
  const log = (line: string) => process.stdout.write(`retained-memory: ${line}\n`);
  try {
    const upstreams = await startUpstreams(services, built.dist, redis, children);
    for (const service of services) {
      const env = await serviceEnv(service, redis, async (upstream) => upstreams[upstream] ?? "http://127.0.0.1:9");
      const child = await spawnService({
        service,
        distDir: built.dist,
        env: { ...env, NODE_OPTIONS: `--import ${PROBE} --expose-gc`, MESHMART_HEAP_PROBE_DIR: probeDir, MESHMART_HEAP_PROBE_GC: "1" },
      });
      children.push(child);
      const { url, ...request } = warmupRequest(service, `http://127.0.0.1:${child.port}`);
      let served = 0;
      const report = async (what: string) => {
        const inside = await probe(child.pid, probeDir);
        log(`${service} ${what}, ${served} requests served: live heap ${inside.usedMiB.toFixed(2)} MiB (heap resident ${inside.heapMiB.toFixed(1)}, new space ${inside.newSpaceMiB.toFixed(1)}), private ${memoryOf(child.pid).privateMiB.toFixed(1)} MiB`);
      };
      await report("started");
      for (let burst = 1; burst <= bursts; burst++) {
        served += (await load(url, { connections: 10, durationS: seconds, ...request })).requests;
        await report(`after burst ${burst}`);
      }
    }
    log(`Node ${process.version}`);
  } finally {
    for (const child of children) child.child.kill("SIGTERM");
    await Promise.all(children.map((child) => child.exited));
    await redis.close();
    built.remove();
    rmSync(probeDir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`retained-memory: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
