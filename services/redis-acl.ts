/**
 * Redis least privilege: one ACL user per service that keeps state, each
 * allowed exactly the commands its code sends (the Lua scripts' commands
 * included: Redis checks those against the calling user too) on its own key
 * patterns, and no Pub/Sub channel. Nothing dangerous is granted (FLUSHALL,
 * FLUSHDB, CONFIG, DEBUG, KEYS, SHUTDOWN, MODULE, ACL, SCRIPT, FUNCTION…):
 * every user starts from `-@all` and gets an allowlist. The default user is
 * switched off (see defaultUserRules).
 *
 * Each service's keys and commands are in services/topology.ts (`redis`),
 * beside everything else a service declares; this module adds what every
 * client needs and the two users that are not services. Pure data and
 * functions (it imports only the topology): the local launcher, the test
 * Redis and the Pulumi program (infra/redis) all write their ACL file from
 * it. Syntax: redis.conf's ACL section and src/acl.c (Redis 7.4).
 */
import { SERVICE_NAMES, SERVICES, type RedisServiceName } from "./topology";


/** The ACL users of the services: one per service with Redis (services/topology.ts). */
export type RedisServiceUser = RedisServiceName;
export const REDIS_SERVICE_USERS: readonly RedisServiceUser[] = SERVICE_NAMES.filter((name): name is RedisServiceUser => SERVICES[name].redis !== false);

/** The user the liveness/readiness probes authenticate as (`redis-cli --user probe ping`): PING only. */
export const REDIS_PROBE_USER = "probe";

/**
 * The user Redis's metrics exporter (redis_exporter, a sidecar of Redis)
 * authenticates as: INFO and the read-only diagnostics it asks for, no key,
 * no CONFIG (it runs with --config-command=-).
 */
export const REDIS_EXPORTER_USER = "exporter";

export type RedisUser = RedisServiceUser | typeof REDIS_PROBE_USER | typeof REDIS_EXPORTER_USER;

export interface RedisAclEntry {
  /** Key patterns (glob) the user may touch. */
  readonly keys: readonly string[];
  /** Commands (lowercase; `parent|sub` for one subcommand) the user may run, scripts' commands included. */
  readonly commands: readonly string[];
}

/**
 * What every service's client sends besides its own commands: node-redis's
 * handshake (HELLO with AUTH and SETNAME; CLIENT SETINFO is switched off in
 * services/kit/redis-client.ts) and the readiness PING.
 */
const CLIENT = ["hello", "auth", "client|setname", "ping"];
/** Scripts run by SHA, falling back to EVAL (services/kit/redis-client.ts LuaScript); SCRIPT itself is not granted. */
const SCRIPTS = ["evalsha", "eval"];

/** A service's user: the topology's keys and commands, plus what every client sends and the script commands. */
function serviceEntry(name: RedisServiceUser): RedisAclEntry {
  const access = SERVICES[name].redis;
  if (access === false) throw new Error(`${name} keeps no state in Redis (services/topology.ts)`);
  return { keys: access.keys, commands: [...CLIENT, ...SCRIPTS, ...access.commands] };
}

const SERVICE_ENTRIES = {} as { [U in RedisServiceUser]: RedisAclEntry };
for (const name of REDIS_SERVICE_USERS) SERVICE_ENTRIES[name] = serviceEntry(name);

export const REDIS_ACL: { readonly [U in RedisUser]: RedisAclEntry } = {
  ...SERVICE_ENTRIES,
  probe: { keys: [], commands: ["hello", "auth", "ping"] },
  // redis_exporter v1.88.0 exporter/exporter.go scrapeRedisHost (AUTH, CLIENT SETNAME, INFO ALL), latency.go
  // (LATENCY LATEST, HISTOGRAM), slowlog.go (SLOWLOG LEN; not GET, whose entries carry commands' arguments)
  exporter: { keys: [], commands: ["auth", "client|setname", "ping", "info", "latency|latest", "latency|histogram", "slowlog|len"] },
};

/**
 * The default user: off and without a password, so nobody can be it and an
 * unauthenticated connection can do nothing. Its permissions are still the
 * union of the services' (never more): Redis replays the append-only file as
 * the default user, and up to at least 7.4.1 EXEC re-checks the ACL while
 * replaying, so a default user without them silently drops every
 * transaction and script effect from the AOF on restart (redis/redis#14541,
 * fixed by #14545; reproduced here with 7.0.15: test/services/redis-acl-enforced.test.ts).
 */
export function defaultUserRules(): string {
  const services = REDIS_SERVICE_USERS.map((user) => REDIS_ACL[user]);
  const keys = [...new Set(services.flatMap((entry) => entry.keys))].map((pattern) => `~${pattern}`);
  const commands = [...new Set(services.flatMap((entry) => entry.commands))].map((command) => `+${command}`);
  return ["user default off resetpass resetkeys", ...keys, "resetchannels -@all", ...commands].join(" ");
}

/** A password as an ACL rule: the SHA-256 hex digest (`#…`), so the file holds no password. */
export type PasswordRule = { readonly sha256: string } | { readonly plain: string };

function passwordRule(password: PasswordRule): string {
  if ("sha256" in password) {
    if (!/^[0-9a-f]{64}$/.test(password.sha256)) throw new Error("an ACL password hash is 64 lowercase hex digits (SHA-256)");
    return `#${password.sha256}`;
  }
  if (!password.plain || /\s/.test(password.plain)) throw new Error("an ACL password is non-empty and has no whitespace");
  return `>${password.plain}`;
}

/** One `user …` line of the ACL file. */
export function aclUserLine(name: string, entry: RedisAclEntry, password: PasswordRule): string {
  const keys = entry.keys.map((pattern) => `~${pattern}`);
  const commands = entry.commands.map((command) => `+${command}`);
  return ["user", name, "on", "resetpass", passwordRule(password), "resetkeys", ...keys, "resetchannels", "-@all", ...commands].join(" ");
}

/**
 * The ACL file (aclfile): the default user off, then every user of the
 * table. `extra` adds users outside the table (the test suites' admin).
 */
export function aclFile(passwords: { readonly [U in RedisUser]: PasswordRule }, extra: readonly string[] = []): string {
  const users = (Object.keys(REDIS_ACL) as RedisUser[]).map((name) => aclUserLine(name, REDIS_ACL[name], passwords[name]));
  return [defaultUserRules(), ...users, ...extra, ""].join("\n");
}
