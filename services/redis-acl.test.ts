import { expect } from "chai";
import { SERVICES } from "./topology";
import { aclFile, aclUserLine, REDIS_ACL, REDIS_EXPORTER_USER, REDIS_PROBE_USER, REDIS_SERVICE_USERS, type RedisUser } from "./redis-acl";

/** Commands no service may run: they touch every key, the server or the ACLs. */
const DANGEROUS = ["flushall", "flushdb", "config", "debug", "keys", "shutdown", "module", "acl", "script", "function", "fcall", "scan", "monitor", "save", "bgsave", "replicaof", "slaveof", "migrate", "restore", "client|kill", "client|list", "swapdb", "select", "rename", "sort", "object", "dump", "eval_ro", "subscribe", "publish"];

describe("redis-acl: one ACL user per service, least privilege", () => {
  it("has a user for exactly the services the topology gives Redis, plus the probe", () => {
    expect([...REDIS_SERVICE_USERS]).to.include.members(["cart", "orders", "payment", "notifications"]);
    for (const stateless of ["gateway", "users", "catalog"]) expect(REDIS_SERVICE_USERS, stateless).not.to.include(stateless);
    for (const name of REDIS_SERVICE_USERS) expect(REDIS_ACL[name].commands, name).to.include.members(["hello", "auth", "client|setname", "ping", "evalsha", "eval"]);
    expect(REDIS_ACL.cart.commands, "the topology's own commands, on top").to.include.members([...(SERVICES.cart.redis || { commands: [] }).commands]);
    expect(Object.keys(REDIS_ACL).sort()).to.deep.equal([...REDIS_SERVICE_USERS, REDIS_PROBE_USER, REDIS_EXPORTER_USER].sort());
  });

  it("grants nothing dangerous, no key pattern of another service, and the probe PING only", () => {
    for (const [user, entry] of Object.entries(REDIS_ACL)) {
      for (const command of entry.commands) expect(DANGEROUS, `${user}: ${command}`).not.to.include(command.toLowerCase());
      for (const command of entry.commands) expect(command, `${user}: a command or parent|sub, no category`).to.match(/^[a-z]+(\|[a-z]+)?$/);
      expect(entry.keys, `${user}: never every key`).not.to.include("*");
    }
    expect(REDIS_ACL.notifications.keys.some((k) => k.startsWith("payment"))).to.equal(false);
    expect(REDIS_ACL.probe).to.deep.equal({ keys: [], commands: ["hello", "auth", "ping"] });
    // the exporter: no key, and of the commands redis_exporter v1.88.0 sends by default only the read-only
    // diagnostics (never SLOWLOG GET, whose entries carry other clients' arguments, nor CONFIG)
    expect(REDIS_ACL.exporter.keys).to.deep.equal([]);
    expect(REDIS_ACL.exporter.commands).to.have.members(["auth", "client|setname", "ping", "info", "latency|latest", "latency|histogram", "slowlog|len"]);
  });

  it("writes the ACL file: default user off, then each user from -@all up, hashed passwords", () => {
    const hash = (c: string) => ({ sha256: c.repeat(64) });
    const users = Object.keys(REDIS_ACL) as RedisUser[];
    const passwords = Object.fromEntries(users.map((user, i) => [user, hash("0123456789abcdef"[i % 16]!)])) as Record<RedisUser, { sha256: string }>;
    const lines = aclFile(passwords).trim().split("\n");
    expect(lines[0]).to.match(/^user default off resetpass resetkeys (~\S+ )*~cart:\* .* resetchannels -@all \+hello /);
    expect(lines[0]).to.match(/ \+multi /).and.to.match(/ \+exec( |$)/);
    expect(lines[0], "no password: nobody can log in as default").not.to.match(/ [>#]/);
    const cart = `#${passwords.cart.sha256}`;
    expect(lines.find((l) => l.startsWith("user cart "))).to.match(new RegExp(`^user cart on resetpass ${cart} resetkeys ~cart:\\* resetchannels -@all \\+hello `));
    expect(lines.slice(1).map((l) => l.split(" ")[1])).to.deep.equal(users);
    expect(aclUserLine("x", { keys: ["k:*"], commands: ["get"] }, { plain: "pw" })).to.equal("user x on resetpass >pw resetkeys ~k:* resetchannels -@all +get");
    expect(() => aclUserLine("x", { keys: [], commands: [] }, { plain: "two words" })).to.throw(/whitespace/);
    expect(() => aclUserLine("x", { keys: [], commands: [] }, { sha256: "nothex" })).to.throw(/SHA-256/);
  });
});
