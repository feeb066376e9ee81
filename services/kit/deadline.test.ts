import { expect } from "chai";
import { testKit } from "../../test/support/kit";
import { createServiceApp } from "./service-app";
import { BackgroundTasks } from "./background";
import { DEADLINE_HEADER, parseBudgetMs, remainingMs, withDeadline, withoutDeadline } from "./deadline";

/** A service whose one route reports the budget it sees (-1: none). */
function service(requestTimeoutMs: number) {
  const t = testKit("demo");
  const app = createServiceApp(
    { ...t.kit, requestTimeoutMs },
    { routes: (root) => root.get("/budget", (c) => c.json({ remaining: remainingMs() ?? -1 })) },
  );
  return app;
}

async function budgetSeen(app: ReturnType<typeof service>, header?: string): Promise<number> {
  const response = await app.request("/budget", header === undefined ? {} : { headers: { [DEADLINE_HEADER]: header } });
  expect(response.status).to.equal(200);
  return ((await response.json()) as { remaining: number }).remaining;
}

describe("kit: request deadlines (x-request-timeout-ms)", () => {
  it("reads a relative budget in whole milliseconds and ignores anything else", () => {
    expect(parseBudgetMs("250")).to.equal(250);
    expect(parseBudgetMs(" 250 ")).to.equal(250);
    expect(parseBudgetMs("0")).to.equal(0);
    for (const garbage of [undefined, "", "-5", "1.5", "2s", "abc", "1e3", "0x10", "12345678901", "250, 300"]) expect(parseBudgetMs(garbage), String(garbage)).to.equal(undefined);
  });

  it("gives a request the caller's budget, capped at the service's own", async () => {
    const app = service(1_000);
    const none = await budgetSeen(app);
    expect(none).to.be.within(900, 1_000);
    expect(await budgetSeen(app, "250")).to.be.within(150, 250);
    expect(await budgetSeen(app, "99999"), "never more than its own cap").to.be.within(900, 1_000);
    expect(await budgetSeen(app, "soon"), "garbage is ignored").to.be.within(900, 1_000);
  });

  it("answers a request whose budget is spent with a JSON 504 at once", async () => {
    const app = service(1_000);
    const started = performance.now();
    const response = await app.request("/budget", { headers: { [DEADLINE_HEADER]: "0" } });
    expect(performance.now() - started).to.be.below(200);
    expect(response.status).to.equal(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).to.equal("deadline_exceeded");
  });

  it("knows no deadline outside a request, or in work the request does not wait for", () => {
    expect(remainingMs()).to.equal(undefined);
    withDeadline(performance.now() + 500, () => {
      expect(remainingMs()).to.be.within(400, 500);
      withoutDeadline(() => expect(remainingMs()).to.equal(undefined));
    });
  });
});

describe("kit: background work and deadlines", () => {
  it("runs a background task outside the request's deadline (the request does not wait for it)", async () => {
    const tasks = new BackgroundTasks(testKit("demo").kit.logger);
    let seen: number | undefined = -1;
    withDeadline(performance.now() + 500, () =>
      tasks.run("look", async () => {
        seen = remainingMs();
      }),
    );
    await tasks.idle();
    expect(seen).to.equal(undefined);
  });
});
