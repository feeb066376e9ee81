/** The registry each service exposes at /metrics (metrics.ts). */
import { expect } from "chai";
import { createRegistry } from "./metrics";

describe("kit: the metrics registry", () => {
  it("carries Node's process metrics by default, every series labelled with the service and its version", async () => {
    const text = await createRegistry({ service: "demo", version: "v3" }).metrics();
    expect(text).to.match(/^process_cpu_user_seconds_total\{service="demo",version="v3"\} /m);
    expect(text).to.match(/^nodejs_heap_size_used_bytes\{service="demo",version="v3"\} /m);
  });

  it("leaves them out when asked (defaultMetrics: false), and says so only then", async () => {
    expect(await createRegistry({ service: "demo", version: "v3" }, { defaultMetrics: false }).metrics()).not.to.include("process_cpu_user_seconds_total");
    expect(await createRegistry({ service: "demo", version: "v3" }, { defaultMetrics: true }).metrics()).to.include("process_cpu_user_seconds_total");
  });
});
