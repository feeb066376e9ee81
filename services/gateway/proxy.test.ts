import { expect } from "chai";
import { endToEnd, rawRest } from "./proxy";

describe("gateway proxy: what it passes on", () => {
  it("takes the path after the prefix as the client encoded it, query included", () => {
    expect(rawRest("http://h:1/api/users/1", "/api/users")).to.equal("/1");
    expect(rawRest("http://h:1/api/users", "/api/users")).to.equal("");
    expect(rawRest("http://h:1/api/orders?user_id=a%20b", "/api/orders")).to.equal("?user_id=a%20b");
    expect(rawRest("http://h:1/api/users/1%00", "/api/users"), "a NUL stays encoded, never cuts the path").to.equal("/1%00");
    expect(rawRest("http://h:1/api/products/..%2Fpayments", "/api/products"), "an encoded slash stays inside its segment").to.equal("/..%2Fpayments");
  });

  it("refuses a path whose prefix is not literally there", () => {
    expect(rawRest("http://h:1/%61pi/users/1", "/api/users")).to.equal(undefined);
    expect(rawRest("http://h:1/api/usersX", "/api/users")).to.equal(undefined);
  });

  it("drops hop-by-hop headers and those the Connection header names, keeping repeated ones", () => {
    const raw = ["Host", "x", "Connection", "keep-alive, X-Secret", "X-Secret", "1", "Keep-Alive", "timeout=5", "TE", "trailers", "Accept", "a", "Accept", "b", "traceparent", "00-1-2-01"];
    expect(endToEnd(raw)).to.deep.equal([
      ["accept", "a"],
      ["accept", "b"],
      ["traceparent", "00-1-2-01"],
    ]);
  });
});
