import { expect } from "chai";
import { Hono } from "hono";
import { routeLabel, UNMATCHED_ROUTE } from "./route-label";

/** An app shaped like the gateway's: a catch-all observer, a route, catch-all middleware registered after it, then more routes. */
function labelled(): { app: Hono; labels: string[] } {
  const labels: string[] = [];
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    labels.push(routeLabel(c));
  });
  app.get("/", (c) => c.text("page"));
  app.get("/assets/:file", (c) => c.text("asset"));
  app.use(async (_c, next) => next());
  app.use(async (c, next) => (c.req.header("origin") === "evil" ? c.json({ error: "cross-origin" }, 403) : next()));
  app.post("/api/cart/:userId/add", (c) => c.json({ ok: true }));
  return { app, labels };
}

describe("routeLabel (services/kit/route-label.ts)", () => {
  it("labels a request by the template of the route it matched, even when catch-all middleware was registered after that route", async () => {
    const { app, labels } = labelled();
    await app.request("/");
    await app.request("/assets/app-1234.js");
    expect(labels).to.deep.equal(["/", "/assets/:file"]);
  });

  it("keeps the route's template when middleware answers for it, and one label for what no route matched", async () => {
    const { app, labels } = labelled();
    expect((await app.request("/api/cart/7/add", { method: "POST", headers: { origin: "evil" } })).status).to.equal(403);
    await app.request("/api/cart/7/add", { method: "POST" });
    await app.request("/nowhere/42");
    await app.request("/", { method: "DELETE" });
    expect(labels).to.deep.equal(["/api/cart/:userId/add", "/api/cart/:userId/add", UNMATCHED_ROUTE, UNMATCHED_ROUTE]);
  });
});
