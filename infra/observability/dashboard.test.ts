import { expect } from "chai";
import { redDashboard } from "./dashboard";

/** Grafana finds a panel by its title (search, links, the page's outline): none empty, none twice, in every stack's dashboard. */
describe("the dashboard's titles (infra/observability/dashboard.ts)", () => {
  for (const meshMetrics of ["none", "istio", "linkerd"] as const) {
    it(`${meshMetrics}: every row and panel has a title of its own`, () => {
      const panels = (redDashboard("meshmart", { meshMetrics }).panels ?? []) as { type: string; title?: string }[];
      expect(panels.length).to.be.greaterThan(20);
      for (const p of panels) expect(p.title?.trim(), `a ${p.type} panel`).to.be.a("string").that.is.not.empty;
      const titles = panels.map((p) => p.title);
      expect(titles.filter((t, i) => titles.indexOf(t) !== i)).to.deep.equal([]);
    });
  }
});
