/**
 * The kit options a service app needs, for tests: a fresh metrics registry
 * (no "already registered"), a logger whose lines are captured as objects
 * instead of printed, and a lifecycle the test can flip to draining.
 */
import type { KitOptions } from "../../services/kit/service-app";
import type { Lifecycle } from "../../services/kit/health";
import { createLogger, type LogLevel } from "../../services/kit/logger";
import { createRegistry } from "../../services/kit/metrics";

export interface TestKit {
  readonly kit: KitOptions;
  /** Every log line written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly lifecycle: Lifecycle;
}

export function testKit(service: string, options: { version?: string; bodyLimitBytes?: number; level?: LogLevel; print?: boolean } = {}): TestKit {
  const logs: Record<string, unknown>[] = [];
  const version = options.version ?? "v1";
  const logger = createLogger({
    level: options.level ?? "debug",
    base: { service, version },
    write: (line) => {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      if (options.print || process.env.TEST_LOGS === "1") process.stdout.write(`${line}\n`);
    },
  });
  const lifecycle: Lifecycle = { draining: false };
  const registry = createRegistry({ service, version });
  return { kit: { service, version, logger, registry, bodyLimitBytes: options.bodyLimitBytes ?? 16 * 1024, lifecycle }, logs, lifecycle };
}
