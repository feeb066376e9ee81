/**
 * The authorization graph, table-driven, against the NetworkPolicies the dev
 * stack declares: the policies' selectors are evaluated for every pair of
 * peers (services, Redis, the ingress controller, Prometheus, DNS and two
 * intruders), so every allowed edge must be allowed and every other denied.
 */
import { expect } from "chai";
import { SERVICE_NAMES, SERVICES, REDIS_PORT } from "../../services/topology";
import { authzEdges } from "../../infra/authz/graph";
import { INGRESS_NGINX_CONTROLLER_POD_LABELS, PROMETHEUS_POD_LABELS_UPSTREAM } from "./fixtures/upstream";
import { allowed, selects, type Pod, type Policy } from "./support/netpol";
import { objects, run, type StackRun } from "./support/stacks";

const NS = "meshmart";

/** The pods of the run: the workloads' own template labels, and the peers outside. */
function pods(r: StackRun): Record<string, Pod> {
  const out: Record<string, Pod> = {};
  for (const d of [...objects(r, "Deployment"), ...objects(r, "StatefulSet")]) {
    const labels = d.spec.template.metadata.labels;
    out[d.metadata.name] = { name: d.metadata.name, namespace: NS, labels };
  }
  // The third-party pods carry the labels their charts and operator give them (upstream, not our constants).
  out["ingress"] = { name: "ingress", namespace: "ingress-nginx", labels: { ...INGRESS_NGINX_CONTROLLER_POD_LABELS } };
  out["monitoring"] = { name: "prometheus-kps-prometheus-0", namespace: "monitoring", labels: { ...PROMETHEUS_POD_LABELS_UPSTREAM } };
  out["dns"] = { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
  out["intruder"] = { name: "intruder", namespace: NS, labels: { app: "intruder" } };
  // Same labels as the cart, but another namespace: must get nothing cart gets.
  out["impostor"] = { name: "impostor", namespace: "default", labels: { app: "cart", version: "v1" } };
  return out;
}

const appOf = (pod: string) => (pod.startsWith("payment-") ? "payment" : pod);
const portOf = (app: string) => (app === "redis" ? REDIS_PORT : SERVICES[app as "cart"].port);
/** redis_exporter's default listen port (its --web.listen-address, :9121): the exporter sidecar in Redis's pod. */
const EXPORTER_PORT = 9121;
/** Every port a pod of the app serves on. */
const portsOf = (app: string) => (app === "redis" ? [REDIS_PORT, EXPORTER_PORT] : [portOf(app)]);

describe("authorization graph enforced by the dev stack's NetworkPolicies", function () {
  this.timeout(180_000);
  let r: StackRun;
  let policies: Policy[];
  let all: Record<string, Pod>;
  before(async () => {
    r = await run("dev");
    policies = objects(r, "NetworkPolicy");
    all = pods(r);
  });

  it("denies everything by default, both ways", () => {
    const deny = policies.find((p) => p.metadata.name === "default-deny")!;
    expect(deny.spec).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("allows every edge of the graph and denies every other pair (table)", () => {
    const edges = new Set(authzEdges().map((e) => `${e.from}->${e.to}:${e.port ?? portOf(e.to === "ingress" ? "gateway" : e.to)}`));
    const sources = [...Object.keys(all)].filter((p) => p !== "dns");
    const targets = [...Object.keys(all)].filter((p) => all[p]!.namespace === NS && p !== "intruder");
    expect(targets.sort()).to.deep.equal([...SERVICE_NAMES.filter((s) => s !== "payment"), "payment-v1", "payment-v2", "redis"].sort());
    const wrong: string[] = [];
    let checked = 0;
    for (const from of sources) {
      for (const to of targets) {
        if (from === to) continue;
        for (const port of portsOf(appOf(to))) {
          const expected = edges.has(`${appOf(from)}->${appOf(to)}:${port}`);
          const actual = allowed(policies, all[from]!, all[to]!, port);
          checked++;
          if (actual !== expected) wrong.push(`${from} -> ${to}:${port}: expected ${expected ? "allowed" : "denied"}`);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(checked).to.be.greaterThan(100);
  });

  it("admits an allowed caller on its callee's port only", () => {
    expect(allowed(policies, all["cart"]!, all["payment-v1"]!, 5003)).to.equal(true);
    expect(allowed(policies, all["cart"]!, all["payment-v1"]!, 5004)).to.equal(false);
    expect(allowed(policies, all["monitoring"]!, all["users"]!, 8000)).to.equal(true);
    expect(allowed(policies, all["monitoring"]!, all["users"]!, 22)).to.equal(false);
  });

  it("admits Prometheus to Redis's exporter port only, and Redis's users to Redis's port only", () => {
    expect(allowed(policies, all["monitoring"]!, all["redis"]!, EXPORTER_PORT)).to.equal(true);
    expect(allowed(policies, all["monitoring"]!, all["redis"]!, REDIS_PORT)).to.equal(false);
    expect(allowed(policies, all["cart"]!, all["redis"]!, REDIS_PORT)).to.equal(true);
    expect(allowed(policies, all["cart"]!, all["redis"]!, EXPORTER_PORT)).to.equal(false);
    expect(allowed(policies, all["intruder"]!, all["redis"]!, EXPORTER_PORT)).to.equal(false);
  });

  it("lets every pod of the shop resolve names (DNS egress, UDP and TCP 53) and nothing else outside", () => {
    for (const p of Object.values(all).filter((p) => p.namespace === NS && p.name !== "intruder")) {
      expect(allowed(policies, p, all["dns"]!, 53, "UDP"), p.name).to.equal(true);
      expect(allowed(policies, p, all["dns"]!, 53, "TCP"), p.name).to.equal(true);
      expect(allowed(policies, p, all["dns"]!, 443), p.name).to.equal(false);
      expect(allowed(policies, p, all["monitoring"]!, 9090), p.name).to.equal(false);
    }
  });

  it("payment admits cart only; notifications admits cart and payment only", () => {
    const callers = (to: string) =>
      Object.keys(all).filter((from) => from !== to && from !== "monitoring" && allowed(policies, all[from]!, all[to]!, portOf(appOf(to))));
    expect(callers("payment-v1")).to.deep.equal(["cart"]);
    expect(callers("payment-v2")).to.deep.equal(["cart"]);
    expect(callers("notifications").sort()).to.deep.equal(["cart", "payment-v1", "payment-v2"]);
  });

  describe("the evaluator", () => {
    const a: Pod = { name: "a", namespace: "n", labels: { app: "a" } };
    const b: Pod = { name: "b", namespace: "n", labels: { app: "b" } };
    it("allows everything without policies, nothing under default deny", () => {
      expect(allowed([], a, b, 80)).to.equal(true);
      expect(allowed([{ metadata: { namespace: "n", name: "d" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } }], a, b, 80)).to.equal(false);
    });
    it("matches label expressions", () => {
      expect(selects({ matchExpressions: [{ key: "version", operator: "DoesNotExist" }] }, { app: "x" })).to.equal(true);
      expect(selects({ matchExpressions: [{ key: "app", operator: "In", values: ["y"] }] }, { app: "x" })).to.equal(false);
    });
  });
});
