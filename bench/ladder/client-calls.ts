/**
 * The outbound HTTP client alone, without a service around it: what one
 * call costs the calling process in CPU — `getJson()` of a small JSON
 * answer (orders → users) and `forward()` of one (the gateway's proxy) —
 * to a bare node:http server in the parent process. Each round runs in a
 * child process (a fresh heap and JIT), 10 calls in flight, alternating the
 * kit of this tree with the kit of a git ref (CLIENT_BASELINE, default
 * HEAD), and charges the round every thread of its process
 * (process.cpuUsage). Far less noisy than the chains' difference
 * (http-client-cost.ts), and blind to what the server side does.
 *
 *   npx tsx bench/ladder/client-calls.ts                      # this tree against HEAD
 *   CLIENT_BASELINE=abc1234 CLIENT_ROUNDS=15 npx tsx bench/ladder/client-calls.ts
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "../stats";
import { wholeNumberFromEnv } from "../whole-number";

const ROOT = join(__dirname, "..", "..");
const CALLS = 40_000;
const WARMUP = 5_000;
const IN_FLIGHT = 10;
const MODES = ["getJson", "forward"] as const;
type Mode = (typeof MODES)[number];
/** A user as the users service answers it. */
const ANSWER = JSON.stringify({ id: "1", name: "Ada Lovelace", email: "ada@example.com" });

/** Child side: CLIENT_KIT_DIR holds http-client.ts. */
async function child(kitDir: string, url: string, mode: Mode): Promise<void> {
  const { Upstream } = (await import(join(kitDir, "http-client.ts"))) as typeof import("../../services/kit/http-client");
  const { z } = await import("zod");
  const User = z.object({ id: z.string(), name: z.string(), email: z.string() });
  const users = new Upstream({ name: "users", baseUrl: url, timeoutMs: 2_000, retries: 1, marginMs: 200 });
  const one = async () => {
    if (mode === "getJson") {
      const reply = await users.getJson("/users/1", User);
      if (!reply.ok) throw new Error(`answered ${reply.status}`);
    } else {
      const answer = await users.forward({ method: "GET", path: "/users/1", headers: { accept: "application/json", "x-request-id": "r-1" } });
      if (!(answer.body instanceof Uint8Array)) throw new Error("a small answer was not read whole");
    }
  };
  const run = async (count: number) => {
    let left = count;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (left-- > 0) await one();
      }),
    );
  };
  await run(WARMUP);
  const before = process.cpuUsage();
  await run(CALLS);
  const used = process.cpuUsage(before);
  process.stderr.write(`${JSON.stringify({ usPerCall: (used.user + used.system) / CALLS })}\n`);
  process.exit(0);
}

function round(kitDir: string, url: string, mode: Mode): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", __filename], {
      cwd: ROOT,
      env: { ...process.env, CLIENT_KIT_DIR: kitDir, CLIENT_URL: url, CLIENT_MODE: mode },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    proc.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    proc.on("close", (code) => {
      const last = err.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`client-calls round failed (${code}): ${err}`));
      resolve((JSON.parse(last) as { usPerCall: number }).usPerCall);
    });
  });
}

/** The services of `ref` in a directory of their own, resolving packages from this tree's node_modules. */
function kitAt(ref: string): { dir: string; remove(): void } {
  const top = mkdtempSync(join(tmpdir(), "meshmart-client-calls-"));
  execFileSync("sh", ["-c", `git -C "$1" archive "$2" services | tar -x -C "$3"`, "sh", ROOT, ref, top]);
  symlinkSync(join(ROOT, "node_modules"), join(top, "node_modules"));
  return { dir: join(top, "services", "kit"), remove: () => rmSync(top, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const ref = process.env.CLIENT_BASELINE ?? "HEAD";
  const rounds = wholeNumberFromEnv(process.env, "CLIENT_ROUNDS", 9);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(ANSWER) });
    res.end(ANSWER);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseline = kitAt(ref);
  const current = join(ROOT, "services", "kit");
  const results = Object.fromEntries(MODES.map((m) => [m, { baseline: [] as number[], tree: [] as number[] }])) as Record<Mode, { baseline: number[]; tree: number[] }>;
  try {
    for (let i = 0; i < rounds; i++) {
      for (const mode of MODES) {
        for (const which of i % 2 === 0 ? (["baseline", "tree"] as const) : (["tree", "baseline"] as const)) {
          const us = await round(which === "baseline" ? baseline.dir : current, url, mode);
          results[mode][which].push(us);
          process.stdout.write(`client-calls: round ${i + 1}/${rounds} ${mode.padEnd(7)} ${which.padEnd(8)} ${us.toFixed(2)} µs per call\n`);
        }
      }
    }
  } finally {
    baseline.remove();
    server.closeAllConnections();
    server.close();
  }
  const describe = (values: number[]) => `${median(values).toFixed(2)} µs (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
  for (const mode of MODES) {
    const r = results[mode];
    const added = r.tree.map((us, i) => us - r.baseline[i]!);
    process.stdout.write(`client-calls: Node ${process.version}, ${mode}, ${rounds} rounds of ${CALLS} calls: ${ref} ${describe(r.baseline)}; this tree ${describe(r.tree)}; this tree − ${ref} ${describe(added)}\n`);
  }
  process.stdout.write(`${JSON.stringify({ node: process.version, ref, rounds, calls: CALLS, inFlight: IN_FLIGHT, ...results })}\n`);
}

if (process.env.CLIENT_KIT_DIR) void child(process.env.CLIENT_KIT_DIR, process.env.CLIENT_URL ?? "", (process.env.CLIENT_MODE ?? "getJson") as Mode);
else if (require.main === module) {
  void main().catch((err: unknown) => {
    process.stderr.write(`client-calls: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
