/**
 * Every stack's declared retries and timeouts, evaluated (support/retry-budget.ts):
 * one public request makes at most 3 attempts on a failing leaf whatever
 * path it takes, every hop waits longer than what it calls may take, and
 * when payment hangs, cart's JSON 504 is what reaches the shopper.
 */
import { expect } from "chai";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import { declared, leafPaths, totalMs } from "./support/retry-budget";
import { run, type Variant } from "./support/stacks";

const STACKS: Variant[] = ["dev", "istio", "linkerd", "istioCanary"];

describe("retry budget and nested timeouts, as each stack declares them", function () {
  this.timeout(180_000);

  for (const stack of STACKS) {
    describe(stack, () => {
      it("makes at most 3 attempts on a failing leaf for one public request, on every path", async () => {
        const d = declared(await run(stack));
        const paths = leafPaths(d);
        expect(paths.map((p) => p.path.join("→"))).to.include("edge→gateway→orders→users");
        for (const { path, attempts } of paths) expect(attempts, path.join("→")).to.be.at.most(3);
        const orders = paths.find((p) => p.path.join("→") === "edge→gateway→orders→users")!;
        expect(orders.attempts, "GET /api/orders/1 with users failing").to.be.within(2, 3);
      });

      it("never retries at the edge or toward a service that calls others", async () => {
        const d = declared(await run(stack));
        expect(d.hop("edge", "gateway").attempts).to.equal(1);
        for (const caller of SERVICE_NAMES) {
          for (const upstream of SERVICES[caller].calls) if (SERVICES[upstream].calls.length > 0) expect(d.hop(caller, upstream).attempts, `${caller}→${upstream}`).to.equal(1);
        }
      });

      it("nests the timeouts: every hop waits longer than what it calls may take, each try fits its route", async () => {
        const d = declared(await run(stack));
        const hops: [string, number, number][] = [["edge→gateway", d.hop("edge", "gateway").timeoutMs, totalMs(d, "gateway")]];
        for (const caller of SERVICE_NAMES) for (const upstream of SERVICES[caller].calls) hops.push([`${caller}→${upstream}`, d.hop(caller, upstream).timeoutMs, totalMs(d, upstream)]);
        for (const [hop, timeout, inner] of hops) {
          expect(timeout, hop).to.be.finite;
          expect(timeout, `${hop}: its timeout must exceed what the callee waits on`).to.be.greaterThan(inner);
        }
        for (const caller of ["edge", ...SERVICE_NAMES] as const) {
          for (const upstream of caller === "edge" ? (["gateway"] as const) : SERVICES[caller].calls) {
            const { perTry, timeoutMs } = d.hop(caller, upstream);
            if (perTry) expect(perTry.ms * perTry.attempts, `${caller}→${upstream}`).to.be.at.most(timeoutMs);
          }
        }
      });

      it("with payment hanging, cart's 504 reaches the shopper: the cart→payment hop times out first", async () => {
        const d = declared(await run(stack));
        // cart answers once catalog (at worst its whole hop) and the payment hop have timed out
        const cartAnswersBy = d.hop("cart", "catalog").timeoutMs + d.hop("cart", "payment").timeoutMs;
        expect(d.hop("gateway", "cart").timeoutMs, "the gateway still waits for cart").to.be.greaterThan(cartAnswersBy);
        expect(d.hop("edge", "gateway").timeoutMs, "the edge still waits for the gateway").to.be.greaterThan(cartAnswersBy);
      });
    });
  }
});
