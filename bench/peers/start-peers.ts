/**
 * Builds the peers (express-peer.ts, fastify-peer.ts) the way the floor is
 * built — esbuild, one ESM bundle per process under services/ — and starts
 * each framework's users, orders and gateway with the launcher's
 * spawnService(), on free loopback ports, wired to each other and to the
 * shop's Redis (the same order 1 in the same hash).
 */
import { join } from "node:path";
import { spawnService, type ServiceProcess } from "../../scripts/launcher/service-process";
import { bundleServers } from "../bundle-servers";

export const PEERS = ["express", "fastify"] as const;
export type PeerName = (typeof PEERS)[number];
export const PEER_ROLES = ["users", "orders", "gateway"] as const;
export type PeerRole = (typeof PEER_ROLES)[number];

export interface Peer {
  readonly name: PeerName;
  readonly urls: Readonly<Record<PeerRole, string>>;
  readonly pids: Readonly<Record<PeerRole, number>>;
  stop(): Promise<void>;
}

/** Bundles every peer into `<dir>/<peer>/services/<role>.mjs`. */
export async function buildPeers(dir: string): Promise<void> {
  await Promise.all(PEERS.map((peer) => bundleServers(Object.fromEntries(PEER_ROLES.map((role) => [role, join(__dirname, `${peer}-peer.ts`)])), join(dir, peer))));
}

/** Starts one peer's chain built into `dir` (buildPeers); `onLine` sees every line each process writes. */
export async function startPeer(dir: string, name: PeerName, redisUrl: string, onLine?: (role: PeerRole, line: string) => void): Promise<Peer> {
  const running: ServiceProcess[] = [];
  const stop = async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
    await Promise.all(running.map((p) => p.exited));
  };
  try {
    const urls = {} as Record<PeerRole, string>;
    const pids = {} as Record<PeerRole, number>;
    const start = async (role: PeerRole, env: Record<string, string>) => {
      const started = await spawnService({
        service: role as never,
        distDir: join(dir, name),
        env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", PEER_ROLE: role, ...env },
        ...(onLine ? { onLine: (line: string) => onLine(role, line) } : {}),
      });
      running.push(started);
      urls[role] = `http://127.0.0.1:${started.port}`;
      pids[role] = started.pid;
    };
    await start("users", {});
    await start("orders", { USERS_URL: urls.users, REDIS_URL: redisUrl });
    await start("gateway", { ORDERS_URL: urls.orders });
    return { name, urls, pids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
