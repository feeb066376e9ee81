import { expect } from "chai";
import { requestIdOf } from "./request-id";
import { traceHeadersOf, validTraceHeader } from "./trace";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("kit: trace and request-id headers are accepted only in their format and length", () => {
  it("traceparent: exactly 55 lowercase-hex characters, version-traceid-parentid-flags, ids not all zero", () => {
    expect(validTraceHeader("traceparent", TRACEPARENT)).to.equal(true);
    for (const bad of [
      TRACEPARENT.toUpperCase(),
      `${TRACEPARENT}-extra`,
      `00-${"a".repeat(8 * 1024)}-00f067aa0ba902b7-01`,
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
      "",
    ]) {
      expect(validTraceHeader("traceparent", bad), bad.slice(0, 80)).to.equal(false);
    }
  });

  it("tracestate: at most 512 characters and 32 list members of key=value", () => {
    expect(validTraceHeader("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")).to.equal(true);
    expect(validTraceHeader("tracestate", "tenant@vendor=v, other=x")).to.equal(true);
    expect(validTraceHeader("tracestate", Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(","))).to.equal(true);
    expect(validTraceHeader("tracestate", Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","))).to.equal(false);
    expect(validTraceHeader("tracestate", `k=${"v".repeat(511)}`)).to.equal(false);
    expect(validTraceHeader("tracestate", "no-equals-sign")).to.equal(false);
    expect(validTraceHeader("tracestate", "k=v\u0001")).to.equal(false);
  });

  it("b3 and x-b3-*: lowercase hex ids of their lengths, known sampling values", () => {
    for (const good of ["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1", "a3ce929d0e0e4736-e457b5a2e4d86bd1", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90", "0", "d"]) {
      expect(validTraceHeader("b3", good), good).to.equal(true);
    }
    for (const bad of ["x".repeat(300), "80F198EE56343BA864FE8B2A57D3EFF7-e457b5a2e4d86bd1", "abc-def", "2"]) expect(validTraceHeader("b3", bad), bad.slice(0, 40)).to.equal(false);
    expect(validTraceHeader("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7")).to.equal(true);
    expect(validTraceHeader("x-b3-traceid", "a3ce929d0e0e4736")).to.equal(true);
    expect(validTraceHeader("x-b3-traceid", "c".repeat(1024))).to.equal(false);
    expect(validTraceHeader("x-b3-spanid", "e457b5a2e4d86bd1")).to.equal(true);
    expect(validTraceHeader("x-b3-parentspanid", "not-hex")).to.equal(false);
    expect(validTraceHeader("x-b3-sampled", "1")).to.equal(true);
    expect(validTraceHeader("x-b3-sampled", "yes please")).to.equal(false);
    expect(validTraceHeader("x-b3-flags", "1")).to.equal(true);
  });

  it("other propagated headers are bounded: visible ASCII, at most 256 characters", () => {
    expect(validTraceHeader("x-cloud-trace-context", "105445aa7843bc8bf206b12000100000/1;o=1")).to.equal(true);
    expect(validTraceHeader("x-cloud-trace-context", "x".repeat(257))).to.equal(false);
    expect(validTraceHeader("l5d-ctx-trace", "a\u0000b")).to.equal(false);
  });

  it("a bad header is dropped from what is propagated, the good ones stay", () => {
    const headers = new Headers({ traceparent: TRACEPARENT.toUpperCase(), tracestate: "congo=t61rcWkgMzE", b3: "x".repeat(300), "content-type": "application/json" });
    expect(traceHeadersOf(headers)).to.deep.equal({ tracestate: "congo=t61rcWkgMzE" });
  });

  it("x-request-id: [A-Za-z0-9._-]{1,128} is kept, anything else replaced by a fresh id", () => {
    for (const good of ["gw-req-1", "a.b_c-D", "r".repeat(128), "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"]) expect(requestIdOf(good)).to.equal(good);
    for (const bad of ["r".repeat(129), "has spaces", "a=b", "semi;colon", "", "ユーザー", undefined]) {
      const id = requestIdOf(bad);
      expect(id, String(bad).slice(0, 40)).not.to.equal(bad);
      expect(id).to.match(/^[A-Za-z0-9._-]{1,128}$/);
    }
  });
});
