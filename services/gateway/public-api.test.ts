import { expect } from "chai";
import { CALL_OPERATIONS, SERVICES } from "../topology";
import { API_PREFIX, PUBLIC_API } from "./public-api";

describe("the gateway's public API (services/gateway/public-api.ts)", () => {
  it("forwards to exactly the services the topology says the gateway calls", () => {
    expect([...new Set(PUBLIC_API.map((r) => r.upstream))].sort()).to.deep.equal([...SERVICES.gateway.calls].sort());
  });

  it("asks each upstream only what the authorization graph grants the gateway (CALL_OPERATIONS)", () => {
    for (const route of PUBLIC_API) {
      const path = route.path.slice(API_PREFIX.length);
      const granted = CALL_OPERATIONS.gateway[route.upstream] ?? [];
      const covered = granted.some(
        (op) => op.method === route.method && (op.match === "exact" ? path === op.path : path === op.path || path.startsWith(`${op.path}/`)),
      );
      expect(covered, `${route.method} ${route.path}`).to.equal(true);
    }
  });
});
