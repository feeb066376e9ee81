/**
 * Each peer answers the chains' contract as the shop does, over 127.0.0.1:
 * the same order with its user, directly and through the gateway, JSON
 * 400/404 errors, and the request id echoed and passed on down the chain.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { OrdersStore } from "../../services/orders/orders-store";
import { SEED_ORDER } from "../../services/orders/seed";
import { startTestRedis, type TestRedis } from "../../test/support/test-redis";
import { waitFor } from "../../test/support/wait";
import { buildPeers, PEERS, startPeer, type Peer, type PeerRole } from "./start-peers";

describe("bench: the Express and Fastify peers", function () {
  this.timeout(90_000);
  let redis: TestRedis;
  let dir: string;
  const peers: Peer[] = [];
  const lines: Record<string, { role: PeerRole; line: string }[]> = { express: [], fastify: [] };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "meshmart-peers-test-"));
    [redis] = await Promise.all([startTestRedis(), buildPeers(dir)]);
    await new OrdersStore(await redis.client()).seed();
    for (const name of PEERS) peers.push(await startPeer(dir, name, redis.url, (role, line) => lines[name]!.push({ role, line })));
  });
  after(async () => {
    for (const peer of peers) await peer.stop();
    await redis?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const name of PEERS) {
    describe(name, () => {
      const peer = () => peers.find((p) => p.name === name)!;
      const { order_id, ...rest } = SEED_ORDER;
      const order = { order_id, user: { id: 1, name: "Alice" }, ...rest };

      it("answers GET /orders/1 with the order and its user, directly and through the gateway", async () => {
        for (const url of [`${peer().urls.orders}/orders/1`, `${peer().urls.gateway}/api/orders/1`]) {
          const answer = await fetch(url);
          expect(answer.status, url).to.equal(200);
          expect(answer.headers.get("content-type"), url).to.match(/^application\/json/);
          expect(await answer.json(), url).to.deep.equal(order);
        }
      });

      it("answers a bad id with a JSON 400, an unknown order or route with a JSON 404, through the gateway too", async () => {
        const cases: [string, number][] = [
          [`${peer().urls.orders}/orders/abc`, 400],
          [`${peer().urls.gateway}/api/orders/abc`, 400],
          [`${peer().urls.orders}/orders/999999`, 404],
          [`${peer().urls.gateway}/api/orders/999999`, 404],
          [`${peer().urls.users}/users/0`, 400],
          [`${peer().urls.users}/users/999`, 404],
          [`${peer().urls.gateway}/api/payments`, 404],
        ];
        for (const [url, status] of cases) {
          const answer = await fetch(url);
          expect(answer.status, url).to.equal(status);
          const body = (await answer.json()) as { error?: { code?: unknown; message?: unknown } };
          expect(body.error?.code, url).to.be.a("string");
          expect(body.error?.message, url).to.be.a("string");
        }
      });

      it("echoes a safe x-request-id and passes it down the chain to users; replaces an unsafe one", async () => {
        const answer = await fetch(`${peer().urls.gateway}/api/orders/1`, { headers: { "x-request-id": `peer-${name}-7` } });
        expect(answer.status).to.equal(200);
        expect(answer.headers.get("x-request-id")).to.equal(`peer-${name}-7`);
        for (const role of ["gateway", "orders", "users"] as const) {
          await waitFor(`${role}'s access line with the id`, () => lines[name]!.some((l) => l.role === role && l.line.includes(`peer-${name}-7`)));
        }
        const unsafe = await fetch(`${peer().urls.orders}/orders/1`, { headers: { "x-request-id": "a b<c>" } });
        expect(unsafe.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
      });

      it("passes the id it made for a request without one down the chain too", async () => {
        const answer = await fetch(`${peer().urls.gateway}/api/orders/1`);
        const id = answer.headers.get("x-request-id");
        expect(id).to.match(/^[0-9a-f-]{36}$/);
        await waitFor("users' access line with the gateway's id", () => lines[name]!.some((l) => l.role === "users" && l.line.includes(id!)));
      });

      it("counts requests by route template on /metrics", async () => {
        await fetch(`${peer().urls.users}/users/2`);
        const text = await (await fetch(`${peer().urls.users}/metrics`)).text();
        expect(text).to.match(/http_requests_total\{[^}]*route="\/users\/:id"[^}]*status="200"[^}]*\} [1-9]/);
        expect(text).not.to.include('route="/users/2"');
      });
    });
  }
});
