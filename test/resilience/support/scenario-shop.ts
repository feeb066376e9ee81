/**
 * The shop as `npm start` runs it — the bundled services as processes on free
 * loopback ports — against a Redis the test controls, for one scenario.
 * Keeps every service's log lines, and fails loudly if a process exits on
 * its own.
 */
import { startShop, type ExitReport, type Shop } from "../../../scripts/launcher/start-shop";
import type { ServiceName } from "../../../services/topology";
import { bundle } from "../../support/test-dist";

export interface ScenarioShop extends Shop {
  /** Every line each service wrote so far. */
  readonly logs: ReadonlyMap<ServiceName, readonly string[]>;
  /** The exit a process made on its own, if any (undefined while all run). */
  exitedOnItsOwn(): ExitReport | undefined;
}

export async function startScenarioShop(options: { redisUrl: string; env?: Record<string, string> }): Promise<ScenarioShop> {
  const logs = new Map<ServiceName, string[]>();
  const shop = await startShop({
    distDir: await bundle(),
    ports: "free",
    redisUrl: options.redisUrl,
    ...(options.env ? { env: options.env } : {}),
    onLog: (service, line) => {
      const lines = logs.get(service) ?? [];
      lines.push(line);
      if (lines.length > 5_000) lines.splice(0, 1_000);
      logs.set(service, lines);
    },
  });
  let exited: ExitReport | undefined;
  void shop.unexpectedExit.then((report) => {
    exited = report;
  });
  return { ...shop, logs, exitedOnItsOwn: () => exited };
}

/** Whether a process is still alive (signal 0 probes without touching it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
