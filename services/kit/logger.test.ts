import { expect } from "chai";
import { createLogger, type LogLevel } from "./logger";

function captured(level: LogLevel = "debug") {
  const lines: string[] = [];
  const logger = createLogger({ level, base: { service: "demo", version: "v1" }, write: (line) => lines.push(line) });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("kit: logger", () => {
  it("writes one JSON object per line: time, level, service, version, msg, then the fields, in that order", () => {
    const { logger, lines, parsed } = captured();
    logger.info("request", { request_id: "r-1", status: 200, duration_ms: 1.5 });
    expect(lines).to.have.length(1);
    expect(Object.keys(parsed()[0]!)).to.deep.equal(["time", "level", "service", "version", "msg", "request_id", "status", "duration_ms"]);
    expect(parsed()[0]).to.include({ level: "info", service: "demo", version: "v1", msg: "request", request_id: "r-1", status: 200, duration_ms: 1.5 });
    expect(new Date(parsed()[0]!.time as string).toISOString()).to.equal(parsed()[0]!.time);
  });

  it("a line with no fields is still one JSON object: nothing after the message", () => {
    const lines: string[] = [];
    createLogger({ level: "info", base: { service: "demo", version: "v1" }, write: (line) => lines.push(line) }).info("plain");
    expect(lines).to.have.length(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(parsed)).to.deep.equal(["time", "level", "service", "version", "msg"]);
    expect(parsed.msg).to.equal("plain");
  });

  it("drops lines below its level", () => {
    const { logger, parsed } = captured("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(parsed().map((line) => line.level)).to.deep.equal(["warn", "error"]);
  });

  it("child loggers add their fields to every line, without touching the parent", () => {
    const { logger, parsed } = captured();
    const child = logger.child({ request_id: "r-2" });
    child.info("payment decided", { status: "approved" });
    logger.info("plain");
    expect(parsed()[0]).to.include({ service: "demo", request_id: "r-2", msg: "payment decided", status: "approved" });
    expect(parsed()[1]).not.to.have.property("request_id");
  });

  it("never writes a key twice: a field that repeats a base or reserved key replaces it", () => {
    const { logger, lines, parsed } = captured();
    logger.info("x", { service: "other", msg: "field", extra: true });
    expect(lines[0]!.match(/"service"/g)).to.have.length(1);
    expect(lines[0]!.match(/"msg"/g)).to.have.length(1);
    expect(parsed()[0]).to.include({ service: "other", msg: "field", extra: true });
  });

  it("keeps what helps from errors (name, message, code, stack)", () => {
    const { logger, parsed } = captured();
    const err = Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" });
    logger.error("redis unavailable", { err });
    const logged = parsed()[0]!.err as Record<string, unknown>;
    expect(logged).to.include({ name: "Error", message: "connect refused", code: "ECONNREFUSED" });
    expect(logged.stack).to.be.a("string");
  });

  it("escapes what could break the line (quotes, newlines, unicode)", () => {
    const { logger, lines, parsed } = captured();
    logger.info('he said "hi"\nbye', { path: "/ünï\u2028\"}" });
    expect(lines[0]).not.to.include("\n");
    expect(parsed()[0]).to.include({ msg: 'he said "hi"\nbye', path: "/ünï\u2028\"}" });
  });
});

describe("kit: logger keeps secrets out of its lines", () => {
  it("masks the password of every URL or connection string, in fields, nested objects, errors and the message", () => {
    const { logger, lines } = captured();
    logger.info("redis connected", { url: "redis://user:hunter2@127.0.0.1:6379" });
    logger.warn("connecting to redis://:hunter2@redis:6379/0 failed", { err: new Error("connect to rediss://default:hunter2@h:1 refused"), nested: { dsn: "postgres://app:hunter2@db/x" } });
    logger.child({ upstream: "https://svc:hunter2@example.test/x", redis: "redis://cart@127.0.0.1:6379" }).info("call");
    const text = lines.join("\n");
    expect(text).not.to.include("hunter2");
    expect(JSON.parse(lines[0]!).url).to.equal("redis://user:***@127.0.0.1:6379");
    expect(JSON.parse(lines[1]!).msg).to.equal("connecting to redis://:***@redis:6379/0 failed");
    expect(JSON.parse(lines[2]!)).to.include({ upstream: "https://svc:***@example.test/x", redis: "redis://cart@127.0.0.1:6379" });
  });

  it("masks fields named like credentials", () => {
    const { logger, parsed } = captured();
    logger.info("config", { password: "hunter2", redis_password: "hunter2", authorization: "Bearer hunter2", cookie: "s=hunter2", port: 1 });
    expect(parsed()[0]).to.include({ password: "***", redis_password: "***", authorization: "***", cookie: "***", port: 1 });
  });

  it("masks credentials under every usual name, in fields and in a child's fields, nested ones too", () => {
    const { logger, lines, parsed } = captured();
    const names = ["passwd", "secret", "token", "set-cookie", "api_key", "api-key", "apikey", "x-api-key", "proxy-authorization", "client_secret", "access_token", "refresh_token", "id_token"];
    logger.info("config", Object.fromEntries(names.map((name) => [name, "hunter2"])));
    logger.child({ token: "hunter2" }).info("child", { headers: { authorization: "Bearer hunter2", "x-session-token": "hunter2" } });
    expect(lines.join("\n")).not.to.include("hunter2");
    expect(parsed()[0]).to.deep.include(Object.fromEntries(names.map((name) => [name, "***"])));
    expect(parsed()[1]).to.deep.include({ token: "***", headers: { authorization: "***", "x-session-token": "***" } });
  });

  it("keeps an unset credential unset", () => {
    const { logger, parsed } = captured();
    logger.info("config", { password: null });
    expect(parsed()[0]).to.include({ password: null });
  });

  it("leaves ordinary values alone", () => {
    const { logger, parsed } = captured();
    logger.info("request", { path: "/api/users/1", email: "alice@example.test", url: "http://127.0.0.1:5000" });
    expect(parsed()[0]).to.include({ path: "/api/users/1", email: "alice@example.test", url: "http://127.0.0.1:5000" });
  });
});
