/**
 * What `pulumi up` creates before what, in every stack: the authorization
 * policy comes before the workloads it governs and never waits for them.
 *
 * In the linkerd stack the namespace denies every inbound connection no
 * Server admits, from its creation; the Redis-backed services report ready
 * only once Redis answers; so a policy that waited for the workloads would
 * wait forever (their Deployments never become ready without it). Elsewhere
 * the same order closes the window in which a workload runs unprotected.
 */
import { expect } from "chai";
import { allRuns, ofType, reveal, run, transitiveDependencies, type Registration, type StackRun } from "./support/stacks";

const STACKS = ["dev", "istio", "linkerd", "devLocal", "linkerdCanary", "istioCanary", "istioFlagger", "linkerdFlagger", "devGatewayApi", "istioGatewayApi", "linkerdGatewayApi"] as const;

/** Kinds that grant or deny traffic, or route it (a mesh's policy). */
const POLICY_TYPE = /^kubernetes:(networking\.k8s\.io\/v1:NetworkPolicy|security\.istio\.io\/|networking\.istio\.io\/|policy\.linkerd\.io\/|gateway\.networking\.k8s\.io\/v1:HTTPRoute)/;
const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];

/** The edge's routes (parented by a Gateway, docs/edge.md) route the internet's requests, not the mesh's: no policy of the workloads. */
const edgeRoute = (x: Registration): boolean => (reveal(x.inputs)?.spec?.parentRefs ?? []).some((p: { kind?: string }) => p.kind === "Gateway");
const policies = (r: StackRun): Registration[] => r.resources.filter((x) => x.custom && POLICY_TYPE.test(x.type) && !edgeRoute(x));
const workloads = (r: StackRun): Registration[] => r.resources.filter((x) => WORKLOAD_TYPES.includes(x.type));
/** The namespace an object is declared in. */
const namespaceOf = (x: Registration): string | undefined => reveal(x.inputs)?.metadata?.namespace;

describe("ordering: policy before the workloads it governs", function () {
  this.timeout(180_000);
  before(async () => {
    await allRuns();
  });

  for (const stack of STACKS) {
    describe(`stack ${stack}`, () => {
      it("declares policy objects and workloads", async () => {
        const r = await run(stack);
        expect(r.errors).to.deep.equal([]);
        expect(policies(r).length, "policy objects").to.be.greaterThan(5);
        expect(workloads(r).length, "workloads").to.be.greaterThan(7);
      });

      it("no policy object waits, even transitively, for a Deployment or a StatefulSet", async () => {
        const r = await run(stack);
        const workloadUrns = new Set(workloads(r).map((w) => w.urn));
        for (const p of policies(r)) {
          const waitedFor = [...transitiveDependencies(r, p)].filter((urn) => workloadUrns.has(urn));
          expect(waitedFor, p.urn).to.deep.equal([]);
        }
      });

      it("every workload waits for every policy object of its namespace", async () => {
        const r = await run(stack);
        let governed = 0;
        for (const w of workloads(r)) {
          // A policy governs the pods of its own namespace (the tracing namespace's, Jaeger's pods, not the shop's).
          const policyUrns = policies(r).filter((p) => namespaceOf(p) === namespaceOf(w)).map((p) => p.urn);
          governed += policyUrns.length;
          const deps = transitiveDependencies(r, w);
          expect(policyUrns.filter((urn) => !deps.has(urn)), w.urn).to.deep.equal([]);
        }
        expect(governed, "policies found in the workloads' namespace").to.be.greaterThan(5 * workloads(r).length);
      });
    });
  }

  it("the linkerd stack's namespace denies by default from its creation (why the order matters)", async () => {
    const r = await run("linkerd");
    const ns = ofType(r, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "meshmart")!;
    expect(ns.inputs.metadata.annotations).to.include({ "config.linkerd.io/default-inbound-policy": "deny" });
  });
});
