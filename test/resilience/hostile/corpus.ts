/**
 * The hostile-input corpus: data, applied to every public route by one
 * table-driven test (hostile-inputs.test.ts). Five families:
 *
 *   - values for path parameters and query strings (traversal, NUL, huge and
 *     non-numbers, prototype keys, long strings, unicode, bad escapes,
 *     injection strings) — on a route without parameters, an extra segment;
 *   - raw paths that try to climb out of the route (normalised by the server);
 *   - JSON bodies: malformed, wrong types, huge numbers, deep nesting,
 *     prototype-pollution keys carrying otherwise valid fields, oversized;
 *   - header abuse: hostile request ids and idempotency keys, lying or
 *     missing content types;
 *   - protocol abuse, sent raw: oversized, invalid or folded headers,
 *     request smuggling, bad chunking, bad versions, unknown methods,
 *     backslashes, CONNECT.
 *
 * Every body here is invalid for every route's contract (the test checks
 * that too), so nothing in the corpus may change state.
 */

export interface PathValue {
  readonly id: string;
  /** The value as the service should see it (it is percent-encoded into the URL). */
  readonly value: string;
  /** Sent as written, not encoded (malformed escapes). */
  readonly raw?: string;
}

const long = (n: number, char = "a") => char.repeat(n);

export const PATH_VALUES: readonly PathValue[] = [
  { id: "traversal", value: "../../../etc/passwd" },
  { id: "traversal-windows", value: "..\\..\\windows\\win.ini" },
  { id: "double-encoded-traversal", value: "..%2F..%2Fetc%2Fpasswd" },
  { id: "dot-dot", value: ".." },
  { id: "nul", value: "\u0000" },
  { id: "trailing-nul", value: "1\u0000" },
  { id: "negative", value: "-1" },
  { id: "zero", value: "0" },
  { id: "fraction", value: "1.5" },
  { id: "exponent", value: "1e3" },
  { id: "huge-number", value: "99999999999999999999999999999999" },
  { id: "max-safe+2", value: "9007199254740993" },
  { id: "nan", value: "NaN" },
  { id: "infinity", value: "Infinity" },
  { id: "null", value: "null" },
  { id: "undefined", value: "undefined" },
  { id: "proto", value: "__proto__" },
  { id: "constructor", value: "constructor" },
  { id: "prototype-path", value: "constructor.prototype" },
  { id: "long-5k", value: long(5_000) },
  { id: "unicode", value: "ユーザー" },
  { id: "emoji", value: "💥" },
  { id: "rtl-override", value: "\u202euser" },
  { id: "zero-width", value: "1\u200b" },
  { id: "lone-surrogate-escape", value: "%ED%A0%80", raw: "%ED%A0%80" },
  { id: "invalid-utf8", value: "%C3%28", raw: "%C3%28" },
  { id: "bad-escape", value: "%zz", raw: "%zz" },
  { id: "lone-percent", value: "%", raw: "%" },
  { id: "html", value: "<script>alert(1)</script>" },
  { id: "sql", value: "1' OR '1'='1" },
  { id: "log4shell", value: "${jndi:ldap://127.0.0.1/x}" },
  { id: "shell", value: "$(id)" },
  { id: "crlf", value: "user\r\nx-injected: 1" },
  { id: "space", value: "1 2" },
  { id: "glob", value: "*" },
  { id: "json", value: '{"a":1}' },
];

/** Raw path suffixes that try to leave the route; normalised by the server before routing. */
export const RAW_PATHS: readonly { readonly id: string; readonly suffix: string }[] = [
  { id: "climb-to-payments", suffix: "/../../payments" },
  { id: "climb-to-root-file", suffix: "/../../../../etc/passwd" },
  { id: "encoded-climb", suffix: "/%2e%2e/%2e%2e/payments" },
  { id: "semicolon-climb", suffix: "/..;/..;/payments" },
  { id: "double-slash", suffix: "//notifications" },
];

export interface HostileBody {
  readonly id: string;
  readonly body: string;
}

const everyField = { product_id: "1", quantity: 1, user_id: "u", amount_cents: 1, type: "x.y", message: "m", items: [], total_cents: 0, payment_id: "p" };

export const BODIES: readonly HostileBody[] = [
  { id: "empty", body: "" },
  { id: "open-brace", body: "{" },
  { id: "open-bracket", body: "[" },
  { id: "truncated", body: '{"product_id":' },
  { id: "single-quotes", body: "{'product_id':'1'}" },
  { id: "trailing-comma", body: '{"product_id":"1",}' },
  { id: "null", body: "null" },
  { id: "true", body: "true" },
  { id: "number", body: "0" },
  { id: "string", body: '"hello"' },
  { id: "array", body: "[]" },
  { id: "empty-object", body: "{}" },
  { id: "array-of-objects", body: '[{"product_id":"1","quantity":1}]' },
  { id: "nan-literal", body: '{"quantity":NaN}' },
  { id: "huge-exponent", body: '{"quantity":1e999999,"amount_cents":1e999999}' },
  { id: "bom", body: "\ufeff{}" },
  { id: "proto-pollution", body: '{"__proto__":{"admin":true,"polluted":"yes"}}' },
  { id: "proto-carrying-fields", body: `{"__proto__":${JSON.stringify(everyField)}}` },
  { id: "constructor-carrying-fields", body: `{"constructor":{"prototype":${JSON.stringify(everyField)}}}` },
  { id: "constructor-prototype", body: '{"constructor":{"prototype":{"polluted":"yes"}}}' },
  { id: "wrong-types", body: '{"product_id":1,"quantity":"2","user_id":7,"amount_cents":"100","type":[],"message":{},"items":"x","total_cents":null}' },
  { id: "huge-numbers", body: '{"product_id":"1","quantity":1e308,"user_id":"u","amount_cents":9007199254740993,"total_cents":-1}' },
  { id: "negative-and-fractions", body: '{"product_id":"-1","quantity":-1.5,"amount_cents":0.5}' },
  { id: "lone-surrogate", body: '{"user_id":"\\ud800","message":"\\udfff","product_id":"\\ud83d"}' },
  { id: "nul-bytes", body: '{"user_id":"\\u0000","product_id":"1\\u0000"}' },
  { id: "deep-nesting", body: `${"[".repeat(5_000)}${"]".repeat(5_000)}` },
  { id: "duplicate-keys", body: '{"quantity":1,"quantity":-5,"product_id":"x"}' },
  { id: "long-string", body: JSON.stringify({ product_id: long(12_000, "1"), quantity: 1 }) },
  { id: "over-the-limit", body: JSON.stringify({ message: long(20_000) }) },
];

/** Headers a client can lie with; sent with an otherwise well-formed request. */
export const HEADERS: readonly { readonly id: string; readonly headers: Readonly<Record<string, string>> }[] = [
  { id: "request-id-long", headers: { "x-request-id": long(4_000) } },
  { id: "request-id-html", headers: { "x-request-id": "<script>alert(1)</script>" } },
  { id: "request-id-json", headers: { "x-request-id": '"},{"level":"error","msg":"forged' } },
  { id: "traceparent-garbage", headers: { traceparent: "zz-not-a-trace-%%%", b3: long(2_000, "f") } },
  { id: "content-type-text", headers: { "content-type": "text/plain" } },
  { id: "content-type-form", headers: { "content-type": "application/x-www-form-urlencoded" } },
  { id: "content-type-multipart", headers: { "content-type": "multipart/form-data; boundary=x" } },
  { id: "content-type-utf16", headers: { "content-type": "application/json; charset=utf-16" } },
  { id: "x-forwarded-spoof", headers: { "x-forwarded-for": "10.0.0.1, 169.254.169.254", "x-forwarded-host": "evil.example", forwarded: "for=10.0.0.1;host=evil" } },
  { id: "hop-by-hop-abuse", headers: { connection: "close, x-request-id, content-type", "proxy-authorization": "Basic eA==" } },
];

/** Idempotency keys the contract refuses (checked in the test). */
export const IDEMPOTENCY_KEYS: readonly string[] = ["", " ", long(200, "k"), "../../x", "a b", "ключ", "k\u0000", "<k>", "k;rm -rf"];

/** Whole requests, sent raw; {PATH} is the route's path with legal parameters. */
export const PROTOCOL: readonly { readonly id: string; readonly request: string }[] = [
  { id: "headers-too-large", request: `GET {PATH} HTTP/1.1\r\nHost: x\r\nX-Big: ${long(20_000)}\r\n\r\n` },
  { id: "invalid-header-name", request: "GET {PATH} HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n" },
  { id: "obs-fold", request: "GET {PATH} HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n" },
  { id: "nul-in-header", request: "GET {PATH} HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n" },
  { id: "smuggling-cl-te", request: "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n" },
  { id: "two-content-lengths", request: "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}" },
  { id: "bad-chunk-size", request: "POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" },
  { id: "bad-version", request: "GET {PATH} HTTP/9.9\r\nHost: x\r\n\r\n" },
  { id: "unknown-method", request: "FROB {PATH} HTTP/1.1\r\nHost: x\r\n\r\n" },
  { id: "backslash-path", request: "GET {PATH}\\..\\..\\x HTTP/1.1\r\nHost: x\r\n\r\n" },
  { id: "connect", request: "CONNECT 127.0.0.1:6379 HTTP/1.1\r\nHost: 127.0.0.1:6379\r\n\r\n" },
  { id: "http2-preface", request: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" },
];

/** How many inputs each route meets (the issue asks for at least 50). */
export const INPUTS_PER_ROUTE = PATH_VALUES.length + RAW_PATHS.length + BODIES.length + HEADERS.length + PROTOCOL.length;
