/** kubectl, run as a child process (on PATH, with the ambient kubeconfig); never a shell. */
import { execFile } from "node:child_process";

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kubectl(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile("kubectl", args, { timeout: options.timeoutMs ?? 180_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && code === 1 ? err.message : "") });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like kubectl(), but throws with stderr on a non-zero exit. */
export async function kubectlOk(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const result = await kubectl(args, options);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout;
}
