/**
 * Circuit breaking in the linkerd stack: Linkerd's consecutive-failure
 * accrual annotations on exactly the Services of the services some service
 * calls, in every linkerd variant, and nowhere in the dev and istio stacks;
 * each value as Linkerd edge-26.8.3's policy controller parses it (the rules
 * are upstream's, fixtures/upstream.ts), and the numbers by tier matching the
 * istio stack's outlier detection.
 */
import { expect } from "chai";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import { LINKERD_FAILURE_ACCRUAL as UPSTREAM } from "./fixtures/upstream";
import { parseLinkerdAccrual, parseLinkerdDurationMs } from "./support/linkerd-accrual-parse";
import { objects, run, VARIANTS, type StackRun, type Variant } from "./support/stacks";
import { intendedCallees } from "./fixtures/intended-graph";

const NAMESPACE = "meshmart";
/** The callees of the authorization graph (docs/architecture.md): every service some service calls. */
const CALLEES = intendedCallees();
/** Services that relay their upstreams' 5xx, and those whose 5xx are their own: the rest (docs/meshes.md). */
const RELAYING = ["cart", "orders"];
const OWN_FAILURES = CALLEES.filter((s) => !RELAYING.includes(s));

const variants = (stack: string) => (Object.keys(VARIANTS) as Variant[]).filter((v) => VARIANTS[v].stack === stack && v !== "badMesh");
const isBalancerKey = (key: string) => UPSTREAM.prefixes.some((p) => key.startsWith(p));
const balancerAnnotations = (service: any): Record<string, string> =>
  Object.fromEntries(Object.entries((service.metadata.annotations ?? {}) as Record<string, string>).filter(([k]) => isBalancerKey(k)));
const services = (r: StackRun) => objects(r, "Service");
/** istio: protobuf durations ("30s", "0.6s") in ms. */
const protobufMs = (d: string) => Math.round(Number(/^(\d+(?:\.\d+)?)s$/.exec(d)![1]) * 1000);

describe("Linkerd's duration parser, restated (support/linkerd-accrual-parse.ts)", () => {
  it("agrees with every case of upstream's parse_duration tests", () => {
    for (const [text, expected] of Object.entries(UPSTREAM.durationCases)) {
      if (expected === null) expect(() => parseLinkerdDurationMs(text), JSON.stringify(text)).to.throw();
      else expect(parseLinkerdDurationMs(text), JSON.stringify(text)).to.equal(expected);
    }
  });
  it("refuses what the controller refuses: another mode, a negative or fractional count, a min above the max", () => {
    const k = UPSTREAM.annotations;
    expect(() => parseLinkerdAccrual({ [k.mode]: "consecutiv" })).to.throw(/unsupported/);
    expect(() => parseLinkerdAccrual({ [k.mode]: "consecutive", [k.maxFailures]: "-1" })).to.throw();
    expect(() => parseLinkerdAccrual({ [k.mode]: "consecutive", [k.maxFailures]: "2.5" })).to.throw();
    expect(() => parseLinkerdAccrual({ [k.mode]: "consecutive", [k.minPenalty]: "2m", [k.maxPenalty]: "1m" })).to.throw(/cannot exceed/);
    expect(() => parseLinkerdAccrual({ [k.mode]: "consecutive", [k.maxPenalty]: "30" })).to.throw(/missing duration unit/);
    expect(parseLinkerdAccrual({ [k.mode]: "consecutive" })).to.deep.equal({ mode: "consecutive", maxFailures: 7, minPenaltyMs: 1000, maxPenaltyMs: 60000, jitterRatio: 0.5 });
    expect(parseLinkerdAccrual({})).to.equal(undefined);
  });
});

describe("circuit breaking in the linkerd stack (failure accrual on the callees' Services)", function () {
  this.timeout(180_000);

  it("the callees are the topology's: every service some service calls", () => {
    expect(SERVICE_NAMES.filter((s) => SERVICE_NAMES.some((c) => SERVICES[c].calls.includes(s))).sort()).to.deep.equal(CALLEES);
    expect([...OWN_FAILURES, ...RELAYING].sort()).to.deep.equal(CALLEES);
  });

  for (const variant of variants("linkerd")) {
    describe(variant, () => {
      let r: StackRun;
      before(async () => {
        r = await run(variant);
      });
      // meshmart:canary flagger: payment's Services are Flagger's, and its setting is the Canary's apex annotations.
      const flagger = (VARIANTS[variant].overrides as Readonly<Record<string, string>>)["meshmart:canary"] === "flagger";
      const annotatedNames = () => (flagger ? CALLEES.filter((s) => s !== "payment") : [...CALLEES, "payment-v1", "payment-v2"]);

      it("annotates exactly the callees' Services, app-wide and per version, and no other Service", () => {
        const annotated = services(r)
          .filter((s) => Object.keys(balancerAnnotations(s)).length > 0)
          .map((s) => `${s.metadata.namespace}/${s.metadata.name}`)
          .sort();
        const expected = annotatedNames().map((s) => `${NAMESPACE}/${s}`).sort();
        expect(annotated).to.deep.equal(expected);
        for (const s of services(r).filter((x) => ["gateway", "redis"].includes(x.metadata.labels?.app))) {
          expect(balancerAnnotations(s), s.metadata.name).to.deep.equal({});
        }
      });

      it("sets the consecutive mode, its count and both penalties, each a value Linkerd accepts, and nothing else of the balancer", () => {
        const k = UPSTREAM.annotations;
        for (const name of annotatedNames()) {
          const s = services(r).find((x) => x.metadata.namespace === NAMESPACE && x.metadata.name === name);
          const annotations = balancerAnnotations(s);
          expect(Object.keys(annotations).sort(), s.metadata.name).to.deep.equal([k.mode, k.maxFailures, k.maxPenalty, k.minPenalty].sort());
          const parsed = parseLinkerdAccrual(annotations)!;
          expect(parsed.mode, s.metadata.name).to.equal("consecutive");
          expect(parsed.maxFailures, s.metadata.name).to.be.greaterThan(0);
        }
      });

      it("payment's three Services carry one setting (a caller of either version's Service gets the same)", async () => {
        if (flagger) {
          // The apex Service Flagger makes (the one cart calls) gets the static stack's setting of payment's Service.
          const apex = objects(r, "Canary")[0].spec.service.apex.annotations;
          const staticPayment = services(await run("linkerd")).find((s) => s.metadata.name === "payment");
          expect(balancerAnnotations({ metadata: { annotations: apex } })).to.deep.equal(balancerAnnotations(staticPayment)).and.to.have.property(UPSTREAM.annotations.mode);
          return;
        }
        const [app, ...versions] = ["payment", "payment-v1", "payment-v2"].map((n) => balancerAnnotations(services(r).find((s) => s.metadata.name === n)));
        expect(app).to.have.property(UPSTREAM.annotations.mode);
        for (const v of versions) expect(v).to.deep.equal(app);
      });
    });
  }

  it("matches the istio stack's outlier detection by tier: a service's own 5xx as Istio's leaf, a relaying service's count as Istio's middle tier with a short penalty", async () => {
    const [linkerd, istio] = await Promise.all([run("linkerd"), run("istio")]);
    const accrual = (name: string) => parseLinkerdAccrual(balancerAnnotations(services(linkerd).find((s) => s.metadata.name === name)))!;
    const outlier = (name: string) => objects(istio, "DestinationRule").find((d) => d.metadata.name === name).spec.trafficPolicy.outlierDetection;
    const leaf = outlier("catalog");
    const middle = outlier("orders");
    for (const s of OWN_FAILURES) {
      expect(accrual(s).maxFailures, s).to.equal(leaf.consecutive5xxErrors);
      expect(accrual(s).minPenaltyMs, s).to.equal(protobufMs(leaf.baseEjectionTime));
      expect(accrual(s).maxPenaltyMs, s).to.equal(60_000);
    }
    for (const s of RELAYING) {
      expect(accrual(s).maxFailures, s).to.equal(middle.consecutiveLocalOriginFailures);
      expect(accrual(s).minPenaltyMs, s).to.equal(1_000);
      expect(accrual(s).maxPenaltyMs, s).to.equal(10_000);
    }
  });

  for (const variant of [...variants("dev"), ...variants("istio")]) {
    it(`${variant}: no Service carries a Linkerd balancer annotation`, async () => {
      const r = await run(variant);
      const found = services(r).flatMap((s) => Object.keys(balancerAnnotations(s)).map((k) => `${s.metadata.name}: ${k}`));
      expect(found).to.deep.equal([]);
    });
  }
});
