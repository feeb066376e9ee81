/**
 * The hostile-input corpus (hostile/corpus.ts) against every public route
 * (hostile/hostile-routes.ts) of the running shop: every answer is a JSON 4xx — or,
 * where the contract accepts the value or the route rightly ignores the
 * header, an ordinary answer of a read-only route — never a 5xx, never a
 * dropped connection; no process crashes or logs an unhandled error; and
 * Redis holds exactly what it held before, key for key.
 */
import { expect } from "chai";
import type { RedisClient } from "../../services/kit/redis-client";
import { SERVICE_NAMES } from "../../services/topology";
import { startDurableRedis, type DurableRedis } from "./support/durable-redis";
import { recordHostile, tally, writeFigures } from "./support/figures";
import { rawRequest } from "./support/raw-http";
import { alive, startScenarioShop, type ScenarioShop } from "./support/scenario-shop";
import { BODIES, HEADERS, IDEMPOTENCY_KEYS, INPUTS_PER_ROUTE, PATH_VALUES, PROTOCOL, RAW_PATHS, type PathValue } from "./hostile/corpus";
import { describeBusinessLogic } from "./hostile/business-logic";
import { LEGAL, legalKey, mutates, PUBLIC_ROUTES, type PublicRoute } from "./hostile/hostile-routes";

/** reject: must be a JSON 4xx; tolerate: a legal value or an ignorable header, so a read-only route may answer normally. */
type Expectation = "reject" | "tolerate";

interface Case {
  readonly route: PublicRoute;
  readonly input: string;
  readonly expect: Expectation;
  /** A hostile x-request-id that must not be echoed back. */
  readonly unsafeRequestId?: string;
  /** The input leads to another route (dot segments resolved), whose answer may be in its own format. */
  readonly anyFormat?: boolean;
  run(shop: ScenarioShop): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>;
}

/** Percent-encodes everything outside the unreserved set, dots too (so ".." stays a value, not a path step). */
function encode(value: PathValue): string {
  return value.raw ?? encodeURIComponent(value.value).replace(/\./g, "%2E").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Whether resolving dot segments (".", "..", "%2E%2E") changes the path. */
function normalises(path: string): boolean {
  return new URL(path, "http://127.0.0.1").pathname !== path.split("?")[0];
}

function fill(route: PublicRoute, override?: { param: string; encoded: string }): string {
  const path = route.path.replace(/:(\w+)/g, (_m, name: string) => (override?.param === name ? override.encoded : encodeURIComponent(LEGAL[name]!)));
  return route.query ? `${path}?${route.query.name}=${override?.param === "?" ? override.encoded : "hostile-corpus"}` : path;
}

let keys = 0;
const freshKey = () => `hostile-key-${++keys}`;

/**
 * One request, written raw (so headers no well-behaved client would send go
 * out as they are), on its own connection.
 */
function request(route: PublicRoute, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Case["run"] {
  return async (shop) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${shop.ports[route.service]}`, connection: "close", ...init.headers };
    if (init.body !== undefined) {
      headers["content-type"] ??= "application/json";
      headers["content-length"] = String(Buffer.byteLength(init.body));
    }
    if (route.idempotent || init.body !== undefined) headers["idempotency-key"] ??= freshKey();
    const head = `${init.method ?? route.method} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`;
    const answer = await rawRequest(shop.ports[route.service], Buffer.concat([Buffer.from(head), Buffer.from(init.body ?? "")]));
    return { status: answer.status, body: answer.body, headers: answer.headers };
  };
}

/** A body no route accepts, sent wherever a route needs one so that nothing can be created. */
const REFUSED_BODY = "{}";

function cases(): Case[] {
  const all: Case[] = [];
  for (const route of PUBLIC_ROUTES) {
    const bodyOf = mutates(route) && route.body ? REFUSED_BODY : undefined;
    // 1. values for every parameter (or the query, or an extra segment)
    for (const value of PATH_VALUES) {
      const slots = [...Object.keys(route.params ?? {}), ...(route.query ? ["?"] : [])];
      if (!slots.length) {
        const path = `${route.path.replace(/\/$/, "")}/${encode(value)}`;
        // "/healthz/%2E%2E" is "/" once dot segments are resolved (as every URL parser does): another read-only route
        const expectation = normalises(path) && !mutates(route) ? "tolerate" : "reject";
        all.push({ route, input: `path:${value.id}`, expect: expectation, anyFormat: normalises(path), run: request(route, path, { ...(bodyOf ? { body: bodyOf } : {}) }) });
        continue;
      }
      for (const slot of slots) {
        const schema = slot === "?" ? route.query!.schema : route.params![slot]!;
        const legal = !value.raw && schema.safeParse(value.value).success;
        all.push({ route, input: `path:${value.id}@${slot}`, expect: legal ? "tolerate" : "reject", run: request(route, fill(route, { param: slot, encoded: encode(value) }), { ...(bodyOf ? { body: bodyOf } : {}) }) });
      }
    }
    // 2. raw paths climbing out of the route
    for (const raw of RAW_PATHS) {
      const [path, query] = fill(route).split("?");
      all.push({ route, input: `raw-path:${raw.id}`, expect: "reject", run: request(route, `${path!.replace(/\/$/, "")}${raw.suffix}${query ? `?${query}` : ""}`, { ...(bodyOf ? { body: bodyOf } : {}) }) });
    }
    // 3. hostile bodies: as the route's body, or POSTed to a route that takes none
    for (const body of BODIES) all.push({ route, input: `body:${body.id}`, expect: "reject", run: request(route, fill(route), { method: route.method === "GET" ? "POST" : route.method, body: body.body }) });
    // 4. header abuse on an otherwise well-formed request
    for (const header of HEADERS) {
      const requestId = header.headers["x-request-id"];
      all.push({
        route,
        input: `header:${header.id}`,
        expect: mutates(route) ? "reject" : "tolerate",
        ...(requestId ? { unsafeRequestId: requestId } : {}),
        run: request(route, fill(route), { headers: { ...header.headers }, ...(bodyOf ? { body: bodyOf } : {}) }),
      });
    }
    // 5. idempotency keys the contract refuses, with an otherwise valid body
    if (route.idempotent && route.body) {
      for (const key of IDEMPOTENCY_KEYS) {
        if (legalKey(key)) throw new Error(`corpus: ${JSON.stringify(key)} is a legal Idempotency-Key`);
        all.push({ route, input: `idempotency-key:${JSON.stringify(key).slice(0, 20)}`, expect: "reject", run: request(route, fill(route), { headers: { "idempotency-key": key }, body: JSON.stringify(route.body.valid) }) });
      }
    }
    // 6. protocol abuse, raw
    for (const abuse of PROTOCOL) {
      all.push({
        route,
        input: `protocol:${abuse.id}`,
        expect: "reject",
        run: async (shop) => {
          const answer = await rawRequest(shop.ports[route.service], abuse.request.replaceAll("{PATH}", fill(route)));
          return { status: answer.status, body: answer.body, headers: answer.headers };
        },
      });
    }
  }
  return all;
}

/** Every key and its value, whatever its type. */
async function snapshot(client: RedisClient): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for await (const batch of client.scanIterator({ COUNT: 500 })) {
    for (const key of batch) {
      const type = await client.type(key);
      if (type === "string") state[key] = await client.get(key);
      else if (type === "hash") state[key] = await client.hGetAll(key);
      else if (type === "zset") state[key] = await client.zRangeWithScores(key, 0, -1);
      else if (type === "set") state[key] = (await client.sMembers(key)).sort();
      else if (type === "list") state[key] = await client.lRange(key, 0, -1);
      else if (type === "stream") state[key] = await client.xRange(key, "-", "+");
      else state[key] = `(${type})`;
    }
  }
  return state;
}

function judge(c: Case, answer: { status: number; body: string; headers: Record<string, string | string[] | undefined> }): string | undefined {
  if (answer.status === 0) return `no answer ${answer.body}`;
  if (answer.status >= 500) return `${answer.status} ${answer.body.slice(0, 200)}`;
  if (answer.status >= 300 && answer.status < 400) return `redirected (${answer.status})`;
  if (c.unsafeRequestId && answer.headers["x-request-id"] === c.unsafeRequestId) return "echoed an unsafe request id";
  if (answer.status >= 400) {
    try {
      const error = (JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof error?.code !== "string" || typeof error.message !== "string") return `${answer.status} without the JSON error shape: ${answer.body.slice(0, 120)}`;
    } catch {
      return `${answer.status} not JSON: ${answer.body.slice(0, 120)}`;
    }
    return undefined;
  }
  if (c.expect === "reject") return `accepted (${answer.status}): ${answer.body.slice(0, 120)}`;
  if (!c.route.notJson && !c.anyFormat) {
    try {
      JSON.parse(answer.body);
    } catch {
      return `${answer.status} not JSON`;
    }
  }
  return undefined;
}

async function pool<T>(items: readonly T[], workers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

describe("resilience: hostile inputs against every public route", function () {
  this.timeout(300_000);
  let redis: DurableRedis;
  let shop: ScenarioShop;

  before(async function () {
    this.timeout(60_000);
    redis = await startDurableRedis();
    shop = await startScenarioShop({ redisUrl: redis.url });
  });
  after(async () => {
    await shop?.stop();
    await redis?.close();
    writeFigures();
  });

  it(`${INPUTS_PER_ROUTE}+ inputs × ${PUBLIC_ROUTES.length} routes: JSON 4xx, no 5xx, no crash, no state change`, async () => {
    expect(INPUTS_PER_ROUTE, "at least 50 inputs per route").to.be.at.least(50);
    for (const route of PUBLIC_ROUTES.filter((r) => r.body)) {
      for (const body of BODIES) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.body);
        } catch {
          continue;
        }
        expect(route.body!.schema.safeParse(parsed).success, `corpus body ${body.id} must be invalid for ${route.method} ${route.path}`).to.equal(false);
      }
    }
    const client = await redis.client();
    const before = await snapshot(client);
    const all = cases();
    const problems: string[] = [];
    const statuses: number[] = [];
    await pool(all, 8, async (c) => {
      const answer = await c.run(shop);
      statuses.push(answer.status);
      const problem = judge(c, answer);
      if (problem) problems.push(`${c.route.service} ${c.route.method} ${c.route.path} ← ${c.input}: ${problem}`);
    });
    const after = await snapshot(client);

    // a prototype polluted by the corpus would make an empty body valid: it must still be refused everywhere
    for (const route of PUBLIC_ROUTES.filter((r) => r.body)) {
      const again = await request(route, fill(route), { body: REFUSED_BODY })(shop);
      if (again.status !== 400) problems.push(`${route.service} ${route.method} ${route.path} ← {} after the corpus: ${again.status}`);
    }
    const crashed = SERVICE_NAMES.filter((name) => !alive(shop.pids[name]));
    const unhandled = [...shop.logs].flatMap(([service, lines]) => lines.filter((line) => /"msg":"(unhandled error|uncaught exception|unhandled rejection)"/.test(line)).map((line) => `${service}: ${line.slice(0, 300)}`));
    recordHostile({
      inputs: INPUTS_PER_ROUTE,
      routes: PUBLIC_ROUTES.length,
      requests: all.length + PUBLIC_ROUTES.filter((r) => r.body).length,
      outcomes: tally(statuses.map((status) => (status >= 500 ? "5xx" : String(status)))),
      stateChanged: JSON.stringify(before) !== JSON.stringify(after),
      crashed: crashed.length,
    });

    const changedKeys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
    expect(changedKeys.map((key) => `${key}: ${JSON.stringify(before[key])?.slice(0, 100)} → ${JSON.stringify(after[key])?.slice(0, 100)}`), "Redis holds what it held before").to.deep.equal([]);
    expect(problems.length, `every answer a JSON 4xx (or an ordinary answer where the input is legal); ${problems.length} were not:\n${problems.sort().slice(0, 80).join("\n")}`).to.equal(0);
    expect(shop.exitedOnItsOwn(), "no process exited").to.equal(undefined);
    expect(crashed, "every process still runs").to.deep.equal([]);
    expect(unhandled, "no unhandled errors logged").to.deep.equal([]);
  });
});

describeBusinessLogic();
