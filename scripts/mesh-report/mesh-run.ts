/**
 * The run: for each stack in turn, `pulumi up` (timed until every workload is
 * ready), then for each offered rate the load generator set to it, a warm-up,
 * and `rounds` rounds measured from Prometheus; then `pulumi destroy` (timed)
 * and the leftover check. The state is saved after every phase, so a run
 * that stops resumes where it stopped:
 *
 * - interrupted (the signal aborts): the phase in progress is abandoned, the
 *   stack stays as it is and the same command resumes it (a rate's finished
 *   rounds are kept; the load generator is set again and warmed up);
 *   `destroy` is never interrupted once begun;
 * - a phase fails: the failure is recorded with its phase, the stack is
 *   destroyed and checked, and the run goes on with the next stack;
 * - the cluster is not clean after a destroy: the run stops there, since the
 *   next stack would not come up on a clean cluster.
 */
import type { MeshCluster } from "./mesh-cluster";
import type { PhaseLine } from "./phase-line";
import type { RoundWindow } from "./round-collector";
import type { RoundResult, RunState, StackName, StackRecord } from "./run-state";

export interface RunDeps {
  readonly cluster: MeshCluster;
  readonly collect: (prometheusUrl: string, stack: StackName, window: RoundWindow) => Promise<RoundResult>;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly line: PhaseLine;
  readonly save: (state: RunState) => void;
  readonly signal: AbortSignal;
}

/** complete: every stack done (measured or failed and cleaned up); interrupted: resumable; stopped: the cluster is not clean. */
export type RunOutcome = { readonly outcome: "complete" } | { readonly outcome: "interrupted"; readonly stack: StackName } | { readonly outcome: "stopped"; readonly stack: StackName; readonly reason: string };

/** Whether a stack needs nothing more from the run. */
export function stackDone(rec: StackRecord): boolean {
  return (rec.status === "destroyed" || rec.status === "failed") && rec.leftovers !== undefined && rec.leftovers.length === 0;
}

export async function runMeshReport(state: RunState, deps: RunDeps): Promise<RunOutcome> {
  const { cluster, line, signal, plan } = { ...deps, plan: state.plan };
  const save = () => deps.save(state);
  let currentPhase = "";
  const phase = async <T>(label: string, fn: () => Promise<T>, until?: number): Promise<T> => {
    signal.throwIfAborted();
    currentPhase = label;
    line.start(label, until);
    try {
      const value = await fn();
      line.end("ok");
      return value;
    } catch (err) {
      line.end(signal.aborted ? "interrupted" : "failed", (err as Error).message);
      throw err;
    }
  };
  const seconds = (since: number) => Math.round((deps.now() - since) / 100) / 10;

  /** destroy, timed, then the leftover check; false when something is left. */
  const destroyAndCheck = async (stack: StackName, rec: StackRecord): Promise<boolean> => {
    await phase(`${stack}: pulumi destroy`, async () => {
      const t0 = deps.now();
      await cluster.destroy(stack);
      rec.destroySeconds = seconds(t0);
    });
    save();
    rec.leftovers = await phase(`${stack}: nothing left behind`, () => cluster.leftovers(stack));
    save();
    return rec.leftovers.length === 0;
  };

  try {
    if (!state.machine) {
      state.machine = await phase("describe the cluster", () => cluster.describe());
      save();
    }
  } catch (err) {
    if (signal.aborted) return { outcome: "interrupted", stack: plan.stacks[0]! };
    throw err;
  }

  for (const stack of plan.stacks) {
    const rec = state.stacks[stack]!;
    if (stackDone(rec)) continue;
    try {
      if (rec.status === "failed") {
        // a failure whose cleanup did not finish: finish it
        if (!(await destroyAndCheck(stack, rec))) return { outcome: "stopped", stack, reason: `left behind after destroy: ${rec.leftovers!.join("; ")}` };
        continue;
      }
      let generatorRate: number | undefined;
      if (rec.status === "pending") {
        await phase(`${stack}: pulumi up until every workload is ready`, async () => {
          const t0 = deps.now();
          await cluster.up(stack, plan.rates[0]!, signal);
          await cluster.waitReady(stack, signal);
          rec.upSeconds = seconds(t0);
        });
        rec.status = "up";
        generatorRate = plan.rates[0];
        save();
      } else if (rec.status === "up") {
        await phase(`${stack}: resumed, waiting until every workload is ready`, () => cluster.waitReady(stack, signal));
      }
      if (rec.status === "up") {
        const prom = await phase(`${stack}: reach Prometheus`, () => cluster.prometheus(stack, signal));
        try {
          for (const rate of plan.rates) {
            const rounds = (rec.rates[String(rate)] ??= []);
            if (rounds.length >= plan.rounds) continue;
            await phase(
              `${stack}: ${rate} requests/s, warm-up`,
              async () => {
                if (generatorRate !== rate) await cluster.setRate(stack, rate, signal);
                generatorRate = rate;
                await deps.sleep(plan.warmupSeconds * 1000, signal);
              },
            );
            while (rounds.length < plan.rounds) {
              const n = rounds.length + 1;
              const result = await phase(
                `${stack}: ${rate} requests/s, round ${n}/${plan.rounds}`,
                async () => {
                  await deps.sleep(plan.roundSeconds * 1000, signal);
                  const end = deps.now() / 1000;
                  await deps.sleep(plan.settleSeconds * 1000, signal);
                  return deps.collect(prom.url, stack, { end, windowS: plan.roundSeconds, offeredRps: rate });
                },
                deps.now() + (plan.roundSeconds + plan.settleSeconds) * 1000,
              );
              rounds.push(result);
              save();
            }
          }
        } finally {
          await prom.close();
        }
        rec.status = "measured";
        save();
      }
      if (rec.status === "measured") {
        if (!(await destroyAndCheck(stack, rec))) return { outcome: "stopped", stack, reason: `left behind after destroy: ${rec.leftovers!.join("; ")}` };
        rec.status = "destroyed";
        save();
      }
    } catch (err) {
      if (signal.aborted) {
        save();
        return { outcome: "interrupted", stack };
      }
      if (rec.status === "failed") {
        // the cleanup itself failed
        rec.failure = { phase: rec.failure?.phase ?? currentPhase, message: `${rec.failure?.message ?? ""}; cleanup failed at "${currentPhase}": ${(err as Error).message}` };
        save();
        return { outcome: "stopped", stack, reason: `cleanup after a failure did not finish: ${(err as Error).message}` };
      }
      rec.failure = { phase: currentPhase, message: (err as Error).message };
      rec.status = "failed";
      delete rec.leftovers;
      save();
      try {
        if (!(await destroyAndCheck(stack, rec))) return { outcome: "stopped", stack, reason: `left behind after destroy: ${rec.leftovers!.join("; ")}` };
      } catch (cleanupErr) {
        rec.failure = { ...rec.failure, message: `${rec.failure.message}; cleanup failed at "${currentPhase}": ${(cleanupErr as Error).message}` };
        save();
        return { outcome: "stopped", stack, reason: `cleanup after a failure did not finish: ${(cleanupErr as Error).message}` };
      }
    }
  }
  return { outcome: "complete" };
}
