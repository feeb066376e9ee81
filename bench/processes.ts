/**
 * What the benchmark reads about processes from Linux's /proc: CPU time
 * (to charge each request its CPU cost, a figure other work on the machine
 * disturbs far less than throughput), memory (resident, proportional and
 * private: /proc/<pid>/status and smaps_rollup), and CPU affinity
 * (so the load generator and the servers get a core each instead of
 * starving each other).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

/** User + system CPU time of a process so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const ticksPerSecond = 100; // USER_HZ on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/**
 * CPU time of every thread of a process so far, in nanoseconds, from the
 * scheduler's own accounting (/proc/<pid>/task/<tid>/schedstat): a finer
 * clock than /proc/<pid>/stat's 10 ms ticks, for differences of a few µs per
 * request. A thread that exits between the listing and the read is skipped.
 */
export function cpuTimeNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // the thread exited
    }
  }
  return total;
}

export interface Memory {
  /** Resident set size, MiB: what the goal is about (VmRSS of /proc/<pid>/status). */
  readonly rssMiB: number;
  /** Of which anonymous memory, private to the process (heap, stacks, buffers): RssAnon. */
  readonly anonMiB: number;
  /** Of which file-backed pages: mostly the node binary's code, shared by every node process: RssFile. */
  readonly fileMiB: number;
  /** Proportional set size: each resident page divided by the number of processes mapping it (Pss of smaps_rollup). */
  readonly pssMiB: number;
  /** Pages mapped by this process alone, anonymous or not (Private_Clean + Private_Dirty of smaps_rollup): what ending it frees. */
  readonly privateMiB: number;
}

/** Parses the Rss lines of /proc/<pid>/status. */
export function parseStatus(status: string): Pick<Memory, "rssMiB" | "anonMiB" | "fileMiB"> {
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib("VmRSS") / 1024, anonMiB: kib("RssAnon") / 1024, fileMiB: kib("RssFile") / 1024 };
}

/** Every "Name: N kB" line of /proc/<pid>/smaps_rollup (the sums over all of a process's mappings), in KiB. */
export function parseSmapsRollup(text: string): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const [, name, kib] of text.matchAll(/^(\w+):\s+(\d+) kB$/gm)) fields[name!] = Number(kib);
  for (const name of ["Rss", "Pss", "Private_Clean", "Private_Dirty"]) {
    if (!(name in fields)) throw new Error(`smaps_rollup has no ${name} line`);
  }
  return fields;
}

/** PSS and private memory from smaps_rollup's fields (Linux's Documentation/filesystems/proc.rst). */
export function proportionalMemory(rollup: Readonly<Record<string, number>>): Pick<Memory, "pssMiB" | "privateMiB"> {
  return { pssMiB: rollup["Pss"]! / 1024, privateMiB: (rollup["Private_Clean"]! + rollup["Private_Dirty"]!) / 1024 };
}

export function memoryOf(pid: number): Memory {
  return {
    ...parseStatus(readFileSync(`/proc/${pid}/status`, "utf8")),
    ...proportionalMemory(parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))),
  };
}

/** Whether cores can be split: Linux taskset present and at least two cores. */
export function canPin(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins this process: `threads: "main"` moves only the calling thread (what
 * processes spawned from now on inherit), `"all"` every thread (the load
 * generator's, libuv's pool, V8's helpers).
 */
export function pinSelf(core: number, threads: "main" | "all"): void {
  execFileSync("taskset", [...(threads === "all" ? ["-a"] : []), "-p", "-c", String(core), String(process.pid)], { stdio: "ignore" });
}

/** Lets every thread of this process run on every core again. */
export function unpinSelf(): void {
  execFileSync("taskset", ["-a", "-p", "-c", `0-${cpus().length - 1}`, String(process.pid)], { stdio: "ignore" });
}
