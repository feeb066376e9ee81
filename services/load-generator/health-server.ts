/**
 * In a cluster, the kubelet's probes: GET /healthz and /readyz answer 200
 * while the scheduler ticks, 503 when it has stalled. Nothing else is served
 * (no /metrics: the traffic shows in the shop's own metrics and the mesh's,
 * and nobody but the kubelet has a reason to reach this pod).
 */
import { createServer, type Server } from "node:http";

export const PROBE_PATHS = ["/healthz", "/readyz"] as const;

export function startHealthServer(port: number, alive: () => boolean, host = "0.0.0.0"): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" || !(PROBE_PATHS as readonly string[]).includes(path ?? "")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not_found", message: "only GET /healthz and /readyz" } }));
      return;
    }
    const ok = alive();
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ok ? "ok" : "stalled" }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
