// One mocha run covers every suite: unit tests next to their sources, and the
// integration, infrastructure, image, browser and resilience suites under test/.
// MOCHA_SPEC narrows a run to some files while working (e.g. MOCHA_SPEC=test/infra).
// MESHMART_MUTATION=1 (stryker.config.json's command) picks the suites that read
// infra/ and stacks/ (bench/mutation.md), unit tests first, and stops at the first
// failure: a mutant those tests kill ends its run before any stack is run under mocks.
"use strict";
const mutation = process.env.MESHMART_MUTATION === "1";
const MUTATION_SPEC = [
  "stacks/**/*.test.ts",
  "infra/**/*.test.ts",
  "test/infra/**/*.test.ts",
  "test/policy/pack-on-stacks.test.ts",
  "test/policy/pack-on-previews.test.ts",
  "test/policy/broken-copies.test.ts",
  "test/observability/dashboard-picture.test.ts",
  "test/observability/dashboard-stacks.test.ts",
  "test/observability/linkerd-canary-panels.test.ts",
  "test/observability/service-rules.test.ts",
  "test/observability/slo-rules.test.ts",
];
/** Left out of mutation runs: the copy of the repository that runs the infra suites again (minutes a mutant), actionlint over .github (reads no code), and the mutation sampler's own test (parses sources, runs none). */
const MUTATION_IGNORE = ["test/infra/add-a-service.test.ts", "test/infra/workflows.test.ts", "test/infra/mutant-sample.test.ts"];
const spec = process.env.MOCHA_SPEC
  ? process.env.MOCHA_SPEC.split(",")
  : mutation
    ? MUTATION_SPEC
    : ["services/**/*.test.ts", "infra/**/*.test.ts", "stacks/**/*.test.ts", "bench/**/*.test.ts", "test/**/*.test.ts"];
module.exports = {
  spec,
  ...(mutation ? { ignore: MUTATION_IGNORE, bail: true } : {}),
  extension: ["ts"],
  "node-option": ["import=tsx"],
  reporter: require.resolve("./test/support/reporter.cjs"),
  timeout: 20000,
  slow: 2000,
  // A mutation run exits at its first failure, without waiting for stack runs still going (support/stacks.ts ends them).
  exit: mutation,
  "forbid-only": Boolean(process.env.CI),
  "forbid-pending": true,
};
