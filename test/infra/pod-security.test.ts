/**
 * Cluster hardening in every stack (pod-security.test.ts): Pod Security Admission on every
 * namespace the program creates (the shop's `restricted`, which the mesh CNI
 * plugins make possible: no privileged init containers), the shop's pods
 * meeting that profile, and Grafana reading ConfigMaps of two namespaces
 * instead of every Secret in the cluster.
 */
import { expect } from "chai";
import { objects, ofType, reveal, run, transitiveDependencies, type StackRun } from "./support/stacks";

const PSA = "pod-security.kubernetes.io/enforce";
const release = (r: StackRun, chart: string) => ofType(r, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === chart);

/**
 * The `restricted` Pod Security Standard (Kubernetes pod-security-admission,
 * policy/check_*.go), for what a pod template can say: no host namespaces,
 * ports or paths; volume types from the allowed list; non-root; no
 * privilege escalation; RuntimeDefault or Localhost seccomp; capabilities
 * dropped to none but NET_BIND_SERVICE.
 */
function restrictedViolations(pod: any): string[] {
  const out: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push("host namespaces");
  const allowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== "name");
    if (!allowedVolumes.includes(type!)) out.push(`volume ${v.name}: ${type}`);
  }
  const podSc = pod.securityContext ?? {};
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation`);
    if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) out.push(`${c.name}: runAsNonRoot`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push(`${c.name}: runAsUser 0`);
    const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: seccomp`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${c.name}: capabilities not dropped`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") out.push(`${c.name}: adds ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${c.name}: hostPort`);
  }
  return out;
}

describe("cluster hardening", function () {
  this.timeout(180_000);

  for (const stack of ["dev", "istio", "linkerd"] as const) {
    describe(`stack ${stack}`, () => {
      it("labels every namespace it creates for Pod Security Admission, the shop's restricted", async () => {
        const r = await run(stack);
        const namespaces = objects(r, "Namespace");
        expect(namespaces.length).to.be.greaterThan(2);
        for (const ns of namespaces) expect(ns.metadata.labels?.[PSA], ns.metadata.name).to.be.oneOf(["restricted", "baseline", "privileged"]);
        const shop = namespaces.find((n: any) => n.metadata.name === "meshmart");
        expect(shop.metadata.labels).to.include({ [PSA]: "restricted", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" });
      });

      it("runs only pods the restricted profile admits in the shop's namespace", async () => {
        const r = await run(stack);
        const templates = [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].filter((w: any) => w.metadata.namespace === "meshmart");
        expect(templates.length).to.be.greaterThan(7);
        for (const w of templates) expect(restrictedViolations(w.spec.template.spec), w.metadata.name).to.deep.equal([]);
      });

      it("installs kube-prometheus-stack after the shop's namespace, where its chart creates Grafana's Role", async () => {
        const r = await run(stack);
        const shopNs = ofType(r, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "meshmart")!;
        expect(transitiveDependencies(r, release(r, "kube-prometheus-stack")!).has(shopNs.urn)).to.equal(true);
      });

      it("gives Grafana's sidecar ConfigMaps of its own and the shop's namespace, not the cluster's Secrets", async () => {
        const grafana = reveal(release(await run(stack), "kube-prometheus-stack")!.inputs.values).grafana;
        expect(grafana.rbac).to.deep.equal({ namespaced: true, namespaces: ["meshmart"] });
        expect(grafana.sidecar.dashboards).to.deep.include({ searchNamespace: ["monitoring", "meshmart"], resource: "configmap" });
      });
    });
  }

  it("the checker refuses what restricted refuses", () => {
    const ok = { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "c", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }] };
    expect(restrictedViolations(ok)).to.deep.equal([]);
    expect(restrictedViolations({ ...ok, hostNetwork: true })).to.deep.equal(["host namespaces"]);
    expect(restrictedViolations({ ...ok, volumes: [{ name: "h", hostPath: { path: "/" } }] })).to.deep.equal(["volume h: hostPath"]);
    const caps = { ...ok, initContainers: [{ name: "init", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } } }] };
    expect(restrictedViolations(caps)).to.deep.equal(["init: adds NET_ADMIN"]);
  });

  it("istio: installs its CNI plugin (no privileged istio-init in the shop's pods) before istiod", async () => {
    const r = await run("istio");
    const cni = release(r, "cni")!;
    expect(cni.inputs).to.deep.include({ name: "istio-cni", namespace: "kube-system", version: "1.30.3" });
    // The chart's defaults (a values map Helm can merge, not a list).
    expect(reveal(cni.inputs.values)).to.deep.equal({});
    const istiod = release(r, "istiod")!;
    expect(reveal(istiod.inputs.values).cni).to.deep.equal({ enabled: true });
    expect(transitiveDependencies(r, istiod).has(cni.urn)).to.equal(true);
  });

  it("linkerd: installs linkerd2-cni in its own privileged namespace before the control plane, which uses it", async () => {
    const r = await run("linkerd");
    const cni = release(r, "linkerd2-cni")!;
    expect(cni.inputs).to.deep.include({ name: "linkerd-cni", namespace: "linkerd-cni", version: "2026.8.3" });
    const ns = objects(r, "Namespace").find((n: any) => n.metadata.name === "linkerd-cni");
    expect(ns.metadata.labels).to.deep.equal({
      "linkerd.io/cni-resource": "true",
      "config.linkerd.io/admission-webhooks": "disabled",
      [PSA]: "privileged",
    });
    const controlPlane = release(r, "linkerd-control-plane")!;
    expect(reveal(controlPlane.inputs.values).cniEnabled).to.equal(true);
    expect(transitiveDependencies(r, controlPlane).has(cni.urn)).to.equal(true);
  });
});
