// services/Dockerfile read as text: the promises the image tests cannot see
// from outside (which stages exist, what comes before what), checked against
// the topology so a port changed in one place fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { SERVICES, SERVICE_NAMES } from "../../services/topology";
import { buildArgs, DOCKERFILE, REPO_ROOT } from "../../scripts/images/image-build";

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly body: Instruction[];
}

/** Joins continuation lines, drops comments, splits into stages. */
function parse(text: string): { globals: Instruction[]; stages: Stage[] } {
  const logical = text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const globals: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === "FROM") {
      const [from = "", as, name] = args.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === "AS" ? name : undefined, body: [] });
    } else if (stages.length === 0) globals.push(instruction);
    else stages.at(-1)!.body.push(instruction);
  }
  return { globals, stages };
}

const dockerfile = parse(readFileSync(join(REPO_ROOT, DOCKERFILE), "utf8"));
const stage = (name: string): Stage => {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const args = (s: Stage, keyword: string): string[] => s.body.filter((i) => i.keyword === keyword).map((i) => i.args);

describe("services/Dockerfile", () => {
  it("defaults BASE_IMAGE to a supported Node LTS, pinned by digest", () => {
    const base = dockerfile.globals.find((i) => i.keyword === "ARG" && i.args.startsWith("BASE_IMAGE="));
    expect(base?.args).to.match(/^BASE_IMAGE=node:(22|24)\.\d+\.\d+-[a-z]+-slim@sha256:[0-9a-f]{64}$/);
  });

  it("has no stage per service: the final stage takes SERVICE and PORT as build args, so adding a service edits nothing here", () => {
    expect(dockerfile.stages.map((s) => s.name)).to.deep.equal(["bundle", "runtime", undefined]);
    const final = dockerfile.stages.at(-1)!;
    expect(final.from).to.equal("runtime");
    expect(args(final, "ARG")).to.deep.equal(["SERVICE", "PORT"]);
    expect(args(final, "ENV")).to.deep.equal(["SERVICE_NAME=${SERVICE} PORT=${PORT}"]);
    expect(args(final, "EXPOSE")).to.deep.equal(["${PORT}"]);
  });

  it("is built with each service's port from the topology, by the program and by npm run images alike", () => {
    for (const name of SERVICE_NAMES) {
      expect(buildArgs(name, "base"), name).to.deep.equal({ BASE_IMAGE: "base", SERVICE: name, PORT: String(SERVICES[name].port) });
    }
  });

  it("builds the final image from the shared runtime plus the chosen service's entry alone", () => {
    const final = dockerfile.stages.at(-1)!;
    expect(args(final, "COPY")).to.deep.equal(["--from=bundle /app/services/main.mjs services/main.mjs"]);
  });

  it("keeps everything the services share above anything that depends on SERVICE", () => {
    const runtime = stage("runtime");
    expect(runtime.from).to.equal("${BASE_IMAGE}");
    expect(runtime.body.map((i) => i.args).join("\n")).not.to.include("SERVICE");
    expect(args(runtime, "COPY")).to.deep.equal(["--from=bundle /app/chunks/ chunks/"]);
    const bundle = stage("bundle").body;
    const chunks = bundle.findIndex((i) => i.keyword === "COPY" && i.args.startsWith("dist/chunks/"));
    const firstServiceUse = bundle.findIndex((i) => i.args.includes("SERVICE"));
    expect(chunks).to.be.greaterThan(-1);
    expect(chunks).to.be.lessThan(firstServiceUse);
  });

  it("runs as uid 10001 with node as PID 1, a health check, and no shell anywhere", () => {
    const runtime = stage("runtime");
    expect(args(runtime, "USER")).to.deep.equal(["10001:10001"]);
    // node's flags as every Deployment states them too (services/node-flags.ts; docs/benchmarks.md, "Idle memory: what was tried")
    expect(args(runtime, "ENTRYPOINT")).to.deep.equal(['["node", "--max-semi-space-size=2", "/app/services/main.mjs"]']);
    expect(args(runtime, "HEALTHCHECK").join()).to.match(/CMD \["node", "-e", ".*\/healthz/);
    const runs = dockerfile.stages.flatMap((s) => args(s, "RUN"));
    expect(runs).to.have.length.greaterThan(0);
    for (const run of runs) expect(run, "RUN in exec form").to.match(/^\[/);
    for (const s of dockerfile.stages.filter((x) => x.name !== "bundle")) expect(args(s, "RUN"), s.name).to.be.empty;
  });
});
