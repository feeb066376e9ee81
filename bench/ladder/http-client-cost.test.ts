/**
 * The HTTP client's cost bench measures what it says: a git ref's bundles
 * and this tree's each run the chain gateway → orders → users, both answer
 * its request, every process of both is charged CPU, and the summary is
 * the medians and ranges of the rounds it was given.
 */
import { expect } from "chai";
import { measureClientCost, startClientBench, summarise, type StartedClientBench } from "./http-client-cost";

describe("bench: the HTTP client's cost per request", function () {
  this.timeout(180_000);

  it("summarises rounds: per variant and process, the chain's sum, and this tree minus the baseline per round", () => {
    const rounds = [
      { baseline: { gateway: 100, orders: 80, users: 40 }, tree: { gateway: 90, orders: 85, users: 41 } },
      { baseline: { gateway: 120, orders: 70, users: 50 }, tree: { gateway: 100, orders: 60, users: 45 } },
      { baseline: { gateway: 110, orders: 90, users: 45 }, tree: { gateway: 130, orders: 75, users: 40 } },
    ];
    const cost = summarise(rounds);
    expect(cost.summary.baseline.gateway).to.deep.equal({ median: 110, min: 100, max: 120 });
    // chains: baseline 220, 240, 245; tree 216, 205, 245
    expect(cost.summary.baseline.chain).to.deep.equal({ median: 240, min: 220, max: 245 });
    expect(cost.summary.tree.chain).to.deep.equal({ median: 216, min: 205, max: 245 });
    // per round: −4, −35, 0
    expect(cost.added.chain).to.deep.equal({ median: -4, min: -35, max: 0 });
    // gateway −10, −20, +20; orders +5, −10, −15
    expect(cost.added.gateway).to.deep.equal({ median: -10, min: -20, max: 20 });
    expect(cost.added.orders).to.deep.equal({ median: -10, min: -15, max: 5 });
  });

  describe("against HEAD", () => {
    let bench: StartedClientBench | undefined;
    after(async () => {
      await bench?.stop();
    });

    it("runs both chains; each answers the chain's request and every process is charged", async () => {
      bench = await startClientBench("HEAD");
      expect(bench.chains.map((c) => c.variant)).to.deep.equal(["baseline", "tree"]);
      const cost = await measureClientCost(bench.chains, { rate: 100, seconds: 1, rounds: 1, warmupS: 1 });
      for (const variant of ["baseline", "tree"] as const) {
        for (const name of ["gateway", "orders", "users"] as const) expect(cost.rounds[0]![variant][name], `${variant} ${name}`).to.be.above(0);
      }
    });
  });
});
