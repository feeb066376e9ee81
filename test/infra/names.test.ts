/**
 * Names, labels and annotation keys in the formats the API server enforces
 * (support/names.ts): a name with an underscore, a Service named like a
 * number, a label value over 63 characters all pass the mocks and fail at
 * `pulumi up`. Checked for every object of every run.
 */
import { expect } from "chai";
import { nameErrors, nameRule } from "./support/names";
import { allRuns, reveal, VARIANTS, type Variant } from "./support/stacks";

/** Registrations that are not Kubernetes objects of their own. */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:yaml/v2:ConfigFile"]);

describe("names and labels in the API server's formats", function () {
  this.timeout(180_000);

  for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
    it(`run ${variant}`, async () => {
      const run = (await allRuns())[variant];
      const objects = run.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(x.type)).map((x) => reveal(x.inputs));
      expect(objects.length).to.be.greaterThan(50);
      const problems = objects.flatMap((o) => nameErrors(o).map((e) => `${o.kind} ${o.metadata?.name}: ${e}`));
      expect(problems).to.deep.equal([]);
    });
  }

  it("the checks themselves reject what the API server rejects", () => {
    const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: "meshmart", ...extra });
    const cases: [unknown, RegExp][] = [
      [{ kind: "ConfigMap", metadata: meta("red_dashboard") }, /metadata.name "red_dashboard" is not a DNS-1123 subdomain/],
      [{ kind: "Service", metadata: meta("5001-catalog") }, /is not a DNS-1035 label/],
      [{ kind: "Service", metadata: meta("catalog.v1") }, /is not a DNS-1035 label/],
      [{ kind: "Namespace", metadata: { name: "mesh.mart" } }, /is not a DNS-1123 label/],
      [{ kind: "Secret", metadata: meta("x", { labels: { version: "v".repeat(64) } }) }, /labels.version: value .* is not a valid label value/],
      [{ kind: "Secret", metadata: meta("x", { labels: { "app.kubernetes.io/name": "-cart" } }) }, /not a valid label value/],
      [{ kind: "Secret", metadata: meta("x", { labels: { "a/b/c": "x" } }) }, /key "a\/b\/c" is not a qualified name/],
      [{ kind: "Secret", metadata: meta("x", { annotations: { "Bad_Prefix/x": "anything at all" } }) }, /annotations: key .* is not a qualified name/],
      [{ kind: "NetworkPolicy", metadata: meta("x"), spec: { podSelector: { matchLabels: { app: "cart shop" } } } }, /spec.podSelector.matchLabels.app/],
      [{ kind: "Deployment", metadata: meta("x"), spec: { template: { spec: { containers: [{ name: "Cart", ports: [{ name: "http-metrics-port", containerPort: 1 }] }] } } } }, /container name "Cart"/],
      [{ kind: "Deployment", metadata: meta("x"), spec: { template: { spec: { containers: [{ name: "cart", ports: [{ name: "http-metrics-port", containerPort: 1 }] }] } } } }, /port name "http-metrics-port" is not an IANA_SVC_NAME/],
    ];
    for (const [object, message] of cases) expect(nameErrors(object).join("\n"), JSON.stringify(object)).to.match(message);
    expect(nameErrors({ kind: "Deployment", metadata: meta("cart-v1.a", { labels: { "app.kubernetes.io/name": "cart", empty: "" } }) })).to.deep.equal([]);
    expect(nameRule("HTTPRoute").rule).to.equal("DNS-1123 subdomain");
  });
});
