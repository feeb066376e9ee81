/** `npm run mesh-report` options: defaults from the issue (50, 200, 500 requests/s; three rounds), and a clear error for bad ones. */
import { expect } from "chai";
import { OptionsError, parseCliOptions } from "../../scripts/mesh-report/mesh-report-cli";

describe("mesh-report options", () => {
  it("defaults: every stack, 50/200/500 requests/s, 3 rounds of 120 s after 60 s of warm-up", () => {
    const o = parseCliOptions([]);
    expect(o.plan).to.deep.include({ stacks: ["dev", "istio", "linkerd"], rates: [50, 200, 500], rounds: 3, roundSeconds: 120, warmupSeconds: 60 });
    expect(o.out).to.match(/\/mesh-report$/);
    expect(o.reportOnly).to.equal(false);
  });

  it("takes stacks, rates, rounds and durations", () => {
    const o = parseCliOptions(["--stacks", "istio,dev", "--rates", "10,20", "--rounds", "5", "--round-seconds", "90", "--warmup-seconds", "0", "--out", "/tmp/x", "--label", "kind on a laptop"]);
    expect(o.plan).to.deep.include({ stacks: ["istio", "dev"], rates: [10, 20], rounds: 5, roundSeconds: 90, warmupSeconds: 0 });
    expect(o).to.deep.include({ out: "/tmp/x", label: "kind on a laptop" });
  });

  for (const [what, argv, message] of [
    ["an unknown stack", ["--stacks", "dev,istoi"], '--stacks: bad item "istoi"'],
    ["a stack twice", ["--stacks", "dev,dev"], "--stacks lists a stack twice"],
    ["a rate that is not a whole number", ["--rates", "50,2e2"], '--rates: bad item "2e2"'],
    ["zero rounds", ["--rounds", "0"], '--rounds must be a whole number of at least 1; got "0"'],
    ["rounds shorter than two scrapes", ["--round-seconds", "30"], '--round-seconds must be a number of at least 60; got "30"'],
    ["an unknown flag", ["--rate", "5"], "Unknown option '--rate'"],
  ] as const) {
    it(`refuses ${what}, naming it`, () => {
      expect(() => parseCliOptions([...argv])).to.throw(OptionsError, message);
    });
  }
});
