// Preloaded into each service (NODE_OPTIONS=--import, where --cpu-prof itself
// is not allowed): starts V8's sampling profiler at once and writes
// <MESHMART_CPU_PROF_DIR>/<pid>.cpuprofile when the process exits, however it exits.
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.MESHMART_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  process.on("exit", () => {
    session.post("Profiler.stop", (err, result) => {
      if (!err) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
