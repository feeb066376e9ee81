/**
 * Debian's promtool (the `prometheus` package, installed by .ci/run) for the
 * rule tests: run it in a directory, and strip alert annotations for
 * `promtool test rules`, which compares them verbatim while ours are
 * templates of the firing value (`promtool check rules` still validates the
 * shipped file, annotations included).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** promtool's output; a failure throws with what promtool printed. */
export async function promtool(dir: string, ...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run("promtool", args, { cwd: dir });
    return stdout + stderr;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? err.message}`);
  }
}

/** The same rule groups (a PrometheusRule's spec) without annotations. */
export function withoutAnnotations(spec: Record<string, unknown>): Record<string, unknown> {
  const { groups } = spec as { groups: { rules: Record<string, unknown>[] }[] };
  return { groups: groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...rule }) => rule) })) };
}
