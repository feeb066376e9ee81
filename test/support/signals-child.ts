/**
 * A process for services/kit/shutdown.test.ts: it hands exitOnSignals an
 * onSignal that prints "handling <signal>" and, after 300 ms, resolves with
 * exit code 7 (SIGNALS_CHILD=ok) or rejects (SIGNALS_CHILD=fail); the kit's
 * logger writes to stdout. It prints "armed" once the handlers are in place,
 * then waits for a signal.
 */
import { createLogger } from "../../services/kit/logger";
import { exitOnSignals } from "../../services/kit/shutdown";

const logger = createLogger({ level: "debug", base: { service: "signals", version: "v1" }, write: (line) => process.stdout.write(`${line}\n`) });
exitOnSignals(async (signal) => {
  process.stdout.write(`handling ${signal}\n`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (process.env.SIGNALS_CHILD === "fail") throw new Error("stores would not close");
  return 7;
}, logger);
setInterval(() => undefined, 60_000); // a server would keep the process alive
process.stdout.write("armed\n");
