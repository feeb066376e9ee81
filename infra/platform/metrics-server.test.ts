import { expect } from "chai";
import { metricsServerValues } from "./metrics-server";

/**
 * metrics-server's chart appends `args` to its `defaultArgs` (chart 3.13.1
 * values.yaml: `args: []`); `--kubelet-insecure-tls` is metrics-server's own
 * flag for kubelets with self-signed serving certificates (kind), never on by
 * default.
 */
describe("metrics-server's values (infra/platform/metrics-server.ts)", () => {
  it("adds --kubelet-insecure-tls only when asked (kind), and nothing else", () => {
    expect(metricsServerValues({ kubeletInsecureTls: true })).to.deep.equal({ args: ["--kubelet-insecure-tls"] });
    expect(metricsServerValues({ kubeletInsecureTls: false })).to.deep.equal({ args: [] });
  });
});
