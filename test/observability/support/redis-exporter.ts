/**
 * Redis's metrics exporter for a test: Debian's `prometheus-redis-exporter`
 * (oliver006/redis_exporter packaged, 1.45 on bookworm) with the cluster's
 * command line (infra/redis/redis-spec.ts redisExporterArgs), pointed at a test
 * Redis as the exporter's own ACL user, listening on a free 127.0.0.1 port.
 *
 *   const exporter = await startRedisExporter(redis.userUrl("exporter"));
 *   // scrape http://${exporter.address}/metrics
 *   await exporter.stop();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { redisExporterArgs } from "../../../infra/redis/redis-spec";
import { freePort } from "../../../scripts/launcher/ports";
import { waitFor } from "../../support/wait";

/**
 * Flags of the cluster's command line that Debian's older build does not
 * know: --disable-scrape-endpoint came after 1.45 (the /scrape endpoint is
 * harmless here: nothing but the test reaches 127.0.0.1).
 */
const NOT_IN_DEBIANS_BUILD = ["--disable-scrape-endpoint"];

export interface RunningRedisExporter {
  /** host:port of its /metrics. */
  readonly address: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the exporter against `userUrl` (redis://exporter:<password>@host:port). */
export async function startRedisExporter(userUrl: string): Promise<RunningRedisExporter> {
  const url = new URL(userUrl);
  const port = await freePort();
  const args = redisExporterArgs()
    .filter((a) => !NOT_IN_DEBIANS_BUILD.includes(a))
    .map((a) => (a.startsWith("--redis.addr=") ? `--redis.addr=redis://${url.host}` : a))
    .map((a) => (a.startsWith("--redis.user=") ? `--redis.user=${decodeURIComponent(url.username)}` : a))
    .map((a) => (a.startsWith("--web.listen-address=") ? `--web.listen-address=127.0.0.1:${port}` : a));
  let output = "";
  const child: ChildProcess = spawn("prometheus-redis-exporter", args, {
    stdio: ["ignore", "pipe", "pipe"],
    // the cluster's container reads its password from REDIS_PASSWORD too (a Secret's key)
    env: { ...process.env, REDIS_PASSWORD: decodeURIComponent(url.password) },
  });
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const killNow = () => child.kill("SIGKILL");
  process.once("exit", killNow);
  const address = `127.0.0.1:${port}`;
  const stop = async () => {
    process.off("exit", killNow);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  };
  try {
    await waitFor(
      `redis_exporter on ${address}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus-redis-exporter exited:\n${output}`);
        return (await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(1_000) })).ok || undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, output: () => output, stop };
}
