// A preload (NODE_OPTIONS="--import <this file>") that lets the idle-memory
// measurement look inside a running service: on SIGUSR2 it writes V8's heap
// figures — the heap's committed and resident size by space, the memory V8
// itself mallocs, external (ArrayBuffer) memory — to
// $MESHMART_HEAP_PROBE_DIR/<pid>.json, so a process's private memory can be
// split into the V8 heap and the rest (code, malloc arenas, buffers). With
// MESHMART_HEAP_PROBE_GC=1 (and node's --expose-gc) it collects garbage first,
// so what is left is what the process holds on to: the check for a leak.
// With MESHMART_HEAP_PROBE_GC_TIMES=1 it also counts the collections since
// start and their pauses, by kind (perf_hooks' "gc" entries): what a smaller
// young generation costs. Otherwise it allocates nothing until asked, and a
// signal listener keeps no process alive.
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

const dir = process.env.MESHMART_HEAP_PROBE_DIR;
if (dir) {
  const gc = { minor: { count: 0, ms: 0 }, major: { count: 0, ms: 0 }, other: { count: 0, ms: 0 } };
  if (process.env.MESHMART_HEAP_PROBE_GC_TIMES === "1") {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? "minor" : entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR ? "major" : "other";
        gc[kind].count += 1;
        gc[kind].ms += entry.duration;
      }
    }).observe({ entryTypes: ["gc"] });
  }
  process.on("SIGUSR2", () => {
    if (process.env.MESHMART_HEAP_PROBE_GC === "1") globalThis.gc?.();
    const heap = getHeapStatistics();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, physical: s.physical_space_size, used: s.space_used_size }]));
    const { rss, external, arrayBuffers } = process.memoryUsage();
    writeFileSync(join(dir, `${process.pid}.json.tmp`), JSON.stringify({ heap, spaces, rss, external, arrayBuffers, gc }));
    // renamed into place, so a reader never sees half a file
    renameSync(join(dir, `${process.pid}.json.tmp`), join(dir, `${process.pid}.json`));
  });
}
