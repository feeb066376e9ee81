/**
 * The mesh report's cluster interface played by the local shop, for real:
 * `up` starts the whole shop (every service and its own redis-server on free
 * loopback ports, from the test run's bundle) and is timed like a stack's;
 * the load generator runs in this process (services/load-generator) at the
 * rate asked; Prometheus is the test harness's real one scraping the shop
 * with a ServiceMonitor's labels; `destroy` stops the shop and `leftovers`
 * checks that none of its ports still accepts a connection.
 *
 * It has no mesh: `up` of istio or linkerd fails, saying so, which the run
 * records as that stack's failure (and then destroys and checks it, as it
 * would on a cluster).
 */
import { connect } from "node:net";
import { cpus, platform, release, totalmem } from "node:os";
import { SHOP_PROCESSES } from "../../../scripts/launcher/launcher-processes";
import { startShop, type Shop } from "../../../scripts/launcher/start-shop";
import type { MeshCluster, PrometheusConnection } from "../../../scripts/mesh-report/mesh-cluster";
import type { MachineDescription, StackName } from "../../../scripts/mesh-report/run-state";
import { parseLoadOptions } from "../../../services/load-generator/load-options";
import { startLoad, type LoadRun } from "../../../services/load-generator/open-loop";
import { setTimeout as sleep } from "node:timers/promises";
import { bundle } from "../../support/test-dist";
import { waitFor } from "../../support/wait";
import { startPrometheus } from "../../observability/support/prometheus";

export const LOCAL_LABEL = "local shop, no mesh, this machine";
export const LOCAL_NAMESPACES = { shop: "meshmart", monitoring: "monitoring" };

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

export class LocalShopCluster implements MeshCluster {
  private shop: Shop | undefined;
  private ports: number[] = [];
  private load: LoadRun | undefined;

  async describe(): Promise<MachineDescription> {
    return { label: LOCAL_LABEL, host: { cpuModel: cpus()[0]?.model ?? "unknown", cpus: cpus().length, memoryBytes: totalmem(), platform: platform(), release: release() }, nodes: [] };
  }

  async up(stack: StackName, rate: number): Promise<void> {
    if (stack !== "dev") throw new Error(`the local shop has no ${stack} mesh`);
    this.shop = await startShop({ distDir: await bundle(), ports: "free" });
    this.ports = Object.values(this.shop.ports);
    await this.setRate(stack, rate);
  }

  async waitReady(): Promise<void> {
    if (!this.shop) throw new Error("the local shop is not running");
    // startShop resolves once every /readyz answered 200
  }

  private async stopLoad(): Promise<void> {
    this.load?.stop();
    await this.load?.done.catch(() => undefined);
    this.load = undefined;
  }

  async setRate(_stack: StackName, rate: number): Promise<void> {
    await this.stopLoad();
    const options = parseLoadOptions(["--target", this.shop!.urls.gateway, "--rate", String(rate), "--duration", "0", "--users", "20", "--concurrency", "20"]);
    this.load = startLoad(options, { discoverForMs: 10_000 });
  }

  async prometheus(): Promise<PrometheusConnection> {
    const shop = this.shop!;
    const prom = await startPrometheus({
      namespace: LOCAL_NAMESPACES.shop,
      targets: SHOP_PROCESSES.map((p) => ({ job: p, address: new URL(shop.urls[p]).host, service: p === "payment-v2" ? "payment" : p })),
      ruleGroups: [],
    });
    // as a cluster's Prometheus would be: every target scraped, more than once, before the first round
    await waitFor("every target up", async () => Object.values(await prom.targetsUp()).every((h) => h === "up") && (await prom.query("up")).result.length === SHOP_PROCESSES.length, { timeoutMs: 20_000, intervalMs: 200 });
    await sleep(2_500);
    return {
      url: prom.url,
      close: async () => {
        await this.stopLoad();
        await prom.stop();
      },
    };
  }

  async destroy(): Promise<void> {
    await this.stopLoad();
    await this.shop?.stop();
    this.shop = undefined;
  }

  async leftovers(): Promise<string[]> {
    const open = [];
    for (const port of this.ports) if (await accepts(port)) open.push(`127.0.0.1:${port} still accepts connections`);
    return open;
  }
}
