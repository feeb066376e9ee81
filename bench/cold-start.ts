/**
 * Cold start: from spawning `node dist/services/<name>.mjs` (as the launcher
 * does) to the first 200 from its /readyz — loading the bundle, building the
 * app, listening and, for the services with a store, connecting to Redis.
 * Each run is a fresh process on a free port, stopped right after.
 */
import { get } from "node:http";
import { ENV, type ServiceName } from "../services/topology";
import { spawnService } from "../scripts/launcher/service-process";
import { median } from "./stats";

export interface ColdStart {
  readonly service: ServiceName;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
}

function ready(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path: "/readyz", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
  });
}

async function once(service: ServiceName, distDir: string, redisUrl: string): Promise<number> {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", [ENV.service]: service, [ENV.port]: "0", [ENV.host]: "127.0.0.1", [ENV.redisUrl]: redisUrl };
  const child = await spawnService({ service, distDir, env });
  try {
    const deadline = started + 20_000;
    while (!(await ready(child.port))) {
      if (performance.now() > deadline) throw new Error(`${service} never became ready`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return performance.now() - started;
  } finally {
    child.child.kill("SIGTERM");
    await child.exited;
  }
}

export async function coldStart(service: ServiceName, distDir: string, redisUrl: string, runs: number): Promise<ColdStart> {
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) runsMs.push(await once(service, distDir, redisUrl));
  return { service, runsMs, medianMs: median(runsMs) };
}
