// One mocha run covers every suite: unit tests next to their sources, and the
// integration, infrastructure, image, browser and resilience suites under test/.
// MOCHA_SPEC narrows a run to some files while working (e.g. MOCHA_SPEC=test/infra).
"use strict";
const spec = process.env.MOCHA_SPEC
  ? process.env.MOCHA_SPEC.split(",")
  : ["services/**/*.test.ts", "infra/**/*.test.ts", "stacks/**/*.test.ts", "bench/**/*.test.ts", "test/**/*.test.ts"];
module.exports = {
  spec,
  extension: ["ts"],
  "node-option": ["import=tsx"],
  reporter: require.resolve("./test/support/reporter.cjs"),
  timeout: 20000,
  slow: 2000,
  exit: false,
  "forbid-only": Boolean(process.env.CI),
  "forbid-pending": true,
};
