/**
 * The public edge (ingress-nginx) in every stack: what reaches the gateway
 * from the internet, evaluated from the declared Ingresses as ingress-nginx
 * v1.15.1 matches them (an Exact path before any Prefix, the longest Prefix
 * first; `denylist-source-range` answers 403 before proxying), and the
 * per-client limits.
 */
import { expect } from "chai";
import { objects, run, type StackRun } from "./support/stacks";

const DENY_ALL = "0.0.0.0/0,::/0";

/** The backend a request for `path` reaches through the edge, or "denied". */
function edgeRoute(r: StackRun, path: string): string | undefined {
  const candidates = objects(r, "Ingress").flatMap((ing: any) =>
    ing.spec.rules.flatMap((rule: any) =>
      rule.http.paths.map((p: any) => ({ p, denied: ing.metadata.annotations?.["nginx.ingress.kubernetes.io/denylist-source-range"] === DENY_ALL })),
    ),
  );
  const exact = candidates.find(({ p }) => p.pathType === "Exact" && p.path === path);
  const prefix = candidates
    .filter(({ p }) => p.pathType === "Prefix" && (p.path === "/" || path === p.path || path.startsWith(`${p.path}/`)))
    .sort((a, b) => b.p.path.length - a.p.path.length)[0];
  const hit = exact ?? prefix;
  if (!hit) return undefined;
  return hit.denied ? "denied" : hit.p.backend.service.name;
}

describe("the public edge", function () {
  this.timeout(180_000);

  for (const stack of ["dev", "istio", "linkerd"] as const) {
    it(`${stack}: serves the storefront and the API, and refuses /metrics, /healthz and /readyz`, async () => {
      const r = await run(stack);
      for (const path of ["/", "/app.js", "/api/products", "/api/cart/u1/add"]) expect(edgeRoute(r, path), path).to.equal("gateway");
      for (const path of ["/metrics", "/healthz", "/readyz"]) expect(edgeRoute(r, path), path).to.equal("denied");
    });

    it(`${stack}: limits each client's request rate and connections`, async () => {
      const r = await run(stack);
      const main = objects(r, "Ingress").find((i: any) => i.metadata.name === "meshmart")!;
      expect(main.metadata.annotations).to.include({
        "nginx.ingress.kubernetes.io/limit-rps": "20",
        "nginx.ingress.kubernetes.io/limit-connections": "50",
      });
    });
  }

  it("the refusing Ingress answers for the same host and class as the shop's", async () => {
    const r = await run("devCloud");
    const [main, internal] = ["meshmart", "meshmart-cluster-only"].map((n) => objects(r, "Ingress").find((i: any) => i.metadata.name === n)!);
    expect(internal.spec.ingressClassName).to.equal(main.spec.ingressClassName);
    expect(internal.spec.rules.map((x: any) => x.host)).to.deep.equal(["shop.example.test"]);
    expect(internal.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType])).to.deep.equal([
      ["/metrics", "Exact"],
      ["/healthz", "Exact"],
      ["/readyz", "Exact"],
    ]);
  });
});
