import { expect } from "chai";
import { decodeSegment, lineSources } from "./source-map";
import { originOf, summarise, type CpuProfile } from "./summarise";

describe("bench: CPU profile summaries", () => {
  it("decodes Base64 VLQ segments of a source map", () => {
    expect(decodeSegment("AAAA")).to.deep.equal([0, 0, 0, 0]);
    expect(decodeSegment("AACA")).to.deep.equal([0, 0, 1, 0]);
    expect(decodeSegment("gBAAD")).to.deep.equal([16, 0, 0, -1]);
  });

  it("tells which original file a bundle line came from", () => {
    const sources = lineSources({ sources: ["../node_modules/hono/dist/a.js", "../services/kit/logger.ts"], mappings: "AAAA;ACAA,UDAA" });
    expect(sources.sourceAt(0, 5)).to.equal("../node_modules/hono/dist/a.js");
    expect(sources.sourceAt(1, 3)).to.equal("../services/kit/logger.ts");
    expect(sources.sourceAt(1, 12)).to.equal("../node_modules/hono/dist/a.js");
    expect(sources.sourceAt(7, 0)).to.equal(undefined);
  });

  it("names a package, or our module", () => {
    expect(originOf("../node_modules/@hono/node-server/dist/index.mjs")).to.equal("@hono/node-server");
    expect(originOf("../node_modules/zod/v4/core.js")).to.equal("zod");
    expect(originOf("../../services/kit/logger.ts")).to.equal("services/kit/logger.ts");
  });

  it("charges Node's internals to the package that called into them, and leaves idle time out", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 4, 5] },
        { id: 2, callFrame: frame("log", "file:///x/logger.mjs"), children: [3] },
        { id: 3, callFrame: frame("writev", "node:net"), children: [] },
        { id: 4, callFrame: frame("(idle)", ""), children: [] },
        { id: 5, callFrame: frame("(garbage collector)", ""), children: [] },
      ],
      samples: [3, 3, 3, 2, 4, 4, 4, 4, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
      startTime: 0,
      endTime: 9000,
    };
    const summary = summarise(profile, { sources: () => ({ sourceAt: () => "../services/kit/logger.ts" }) });
    expect(summary.totalMs).to.equal(9);
    expect(summary.idle).to.be.closeTo(4 / 9, 1e-9);
    expect(summary.byOrigin.map((s) => [s.name, s.ms])).to.deep.equal([["node internals", 3], ["services/kit/logger.ts", 1], ["(gc)", 1]]);
    expect(summary.byCaller.map((s) => [s.name, s.ms])).to.deep.equal([["services/kit/logger.ts", 4], ["(gc)", 1]]);
    expect(summary.byCaller[0]!.share).to.equal(0.8);
  });
});
