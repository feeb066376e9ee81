/**
 * The cross-origin check behind the edge's TLS (meshmart:edgeTls): nginx
 * terminates HTTPS and talks plain HTTP to the gateway, so the gateway learns
 * the scheme the browser used only from the X-Forwarded-Proto the controller
 * sets (it overwrites the client's: docs/upstream.md, "Gateway trust at the
 * edge"). A page of the shop's own https origin must pass; the same page
 * seen over http, or another origin, must not.
 */
import { expect } from "chai";
import { crossOriginReason, ownOrigin } from "./cross-origin";

/** What the gateway sees of a browser's POST through the edge: plain http to itself, the browser's Host, nginx's X-Forwarded-Proto. */
const check = (origin: string, host: string, forwardedProto: string | undefined) =>
  crossOriginReason("same-origin", origin, () => ownOrigin(`http://${host}/api/cart/1/add`, host, forwardedProto));

describe("gateway: the shop's own https origin through the TLS edge", () => {
  it("accepts the page's https Origin when the edge says https (a host, a node port, a balancer's address)", () => {
    expect(check("https://shop.example.test", "shop.example.test", "https")).to.equal(undefined);
    expect(check("https://localhost:30443", "localhost:30443", "https")).to.equal(undefined);
    expect(check("https://172.18.255.200", "172.18.255.200", "https")).to.equal(undefined);
    // A browser omits the default port from Origin; a client may still send it in Host.
    expect(check("https://shop.example.test", "shop.example.test:443", "https")).to.equal(undefined);
  });

  it("refuses an https Origin when the gateway is told http, and another origin over https", () => {
    expect(check("https://shop.example.test", "shop.example.test", "http")).to.equal("Origin https://shop.example.test is not http://shop.example.test");
    expect(check("https://shop.example.test", "shop.example.test", undefined)).to.equal("Origin https://shop.example.test is not http://shop.example.test");
    expect(check("https://evil.example.test", "shop.example.test", "https")).to.equal("Origin https://evil.example.test is not https://shop.example.test");
    expect(check("http://shop.example.test", "shop.example.test", "https")).to.equal("Origin http://shop.example.test is not https://shop.example.test");
  });
});
