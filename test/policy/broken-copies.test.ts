/**
 * Each policy against a deliberately broken copy of an object the program
 * declares: the policy reports it, with a message that names the resource
 * and the fix. The unbroken run is the control (no violation of that policy).
 */
import { expect } from "chai";
import { MESHMART_POLICIES } from "../../policy/all-policies";
import { run, type Registration, type StackRun } from "../infra/support/stacks";
import { byObject, byType, cutDependencies, editInputs, without } from "./support/broken-copy";
import { evaluate } from "./support/policy-harness";
import { stackPolicyConfig } from "./support/stack-policy-config";

type Stack = "dev" | "istio" | "linkerd";

interface Case {
  readonly policy: string;
  readonly what: string;
  readonly stacks: readonly Stack[];
  readonly breakIt: (r: StackRun) => Registration[];
  /** What the message must say: the resource it names, and the problem. */
  readonly says: readonly RegExp[];
}

const ALL: readonly Stack[] = ["dev", "istio", "linkerd"];
const container = (inputs: any, i = 0) => inputs.spec.template.spec.containers[i];

const CASES: readonly Case[] = [
  { policy: "container-hardening", what: "privileged: true", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Deployment", "gateway"), (i) => (container(i).securityContext.privileged = true)), says: [/Deployment meshmart\/gateway/, /privileged is true/] },
  {
    policy: "container-hardening",
    what: "a writable root filesystem on Redis",
    stacks: ALL,
    breakIt: (r) => editInputs(r, byObject("StatefulSet", "redis"), (i) => (container(i).securityContext.readOnlyRootFilesystem = false)),
    says: [/StatefulSet meshmart\/redis/, /readOnlyRootFilesystem is not true/],
  },
  {
    policy: "container-hardening",
    what: "no runAsNonRoot and no seccomp on pod or container",
    stacks: ["dev"],
    breakIt: (r) =>
      editInputs(r, byObject("Deployment", "users"), (i) => {
        delete i.spec.template.spec.securityContext.runAsNonRoot;
        delete i.spec.template.spec.securityContext.seccompProfile;
        delete container(i).securityContext.runAsNonRoot;
        delete container(i).securityContext.seccompProfile;
        container(i).securityContext.capabilities.drop = ["NET_RAW"];
      }),
    says: [/Deployment meshmart\/users/, /runAsNonRoot is not true/, /seccompProfile\.type is unset/, /capabilities\.drop lacks "ALL"/],
  },
  { policy: "container-resources", what: "no memory limit", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Deployment", "cart"), (i) => delete container(i).resources.limits.memory), says: [/Deployment meshmart\/cart/, /resources\.limits\.memory/] },
  { policy: "image-by-digest", what: "an image :latest", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Deployment", "gateway"), (i) => (container(i).image = "localhost:5001/meshmart/gateway:latest")), says: [/Deployment meshmart\/gateway/, /":latest"/, /not pinned by digest/] },
  {
    policy: "image-by-digest",
    what: "Redis by tag only (the reference before the pin)",
    stacks: ALL,
    breakIt: (r) => editInputs(r, byObject("StatefulSet", "redis"), (i) => (container(i).image = "redis:7.4.11-alpine")),
    says: [/StatefulSet meshmart\/redis/, /"redis:7\.4\.11-alpine"/, /not pinned by digest/],
  },
  { policy: "image-by-digest", what: "no tag at all (latest)", stacks: ["dev"], breakIt: (r) => editInputs(r, byObject("Deployment", "orders"), (i) => (container(i).image = "redis")), says: [/means ":latest"/] },
  {
    policy: "image-digest-pending",
    what: "an image listed as digest-pending",
    stacks: ["dev"],
    breakIt: (r) => editInputs(r, byObject("Deployment", "catalog"), (i) => (container(i).image = "oliver006/redis_exporter:v1.88.0")),
    says: [/Deployment meshmart\/catalog/, /its digest is pending/],
  },
  { policy: "deployment-probes", what: "no readinessProbe", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Deployment", "orders"), (i) => delete container(i).readinessProbe), says: [/Deployment meshmart\/orders/, /no readinessProbe/] },
  { policy: "deployment-disruption-budget", what: "a Deployment with no PDB", stacks: ALL, breakIt: (r) => without(r, byObject("PodDisruptionBudget", "users")), says: [/Deployment meshmart\/users/, /no PodDisruptionBudget/] },
  { policy: "deployment-autoscaling", what: "a Deployment with no HPA", stacks: ALL, breakIt: (r) => without(r, byObject("HorizontalPodAutoscaler", "catalog")), says: [/Deployment meshmart\/catalog/, /no HorizontalPodAutoscaler/] },
  { policy: "deployment-autoscaling", what: "replicas while an HPA targets it", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Deployment", "catalog"), (i) => (i.spec.replicas = 3)), says: [/Deployment meshmart\/catalog/, /declares spec\.replicas 3 while HorizontalPodAutoscaler meshmart\/catalog/] },
  {
    policy: "deployment-autoscaling",
    what: "payment-v2 without an HPA and without a fixed count (not a split canary track)",
    stacks: ["dev"],
    breakIt: (r) => without(r, byObject("HorizontalPodAutoscaler", "payment-v2")),
    says: [/Deployment meshmart\/payment-v2/, /no HorizontalPodAutoscaler/],
  },
  { policy: "namespace-pod-security", what: "the shop's namespace without an enforce label", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Namespace", "meshmart"), (i) => delete i.metadata.labels["pod-security.kubernetes.io/enforce"]), says: [/Namespace meshmart/, /no pod-security\.kubernetes\.io\/enforce/] },
  { policy: "namespace-pod-security", what: "the shop's namespace at baseline", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Namespace", "meshmart"), (i) => (i.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline")), says: [/Namespace meshmart/, /enforces "baseline"/] },
  { policy: "namespace-pod-security", what: "an unknown level", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Namespace", "ingress-nginx"), (i) => (i.metadata.labels["pod-security.kubernetes.io/warn"] = "strict")), says: [/Namespace ingress-nginx/, /"strict", not one of privileged, baseline, restricted/] },
  { policy: "network-default-deny", what: "no default-deny NetworkPolicy", stacks: ALL, breakIt: (r) => without(r, byObject("NetworkPolicy", "default-deny")), says: [/No default-deny NetworkPolicy in the shop's namespace meshmart/] },
  { policy: "network-default-deny", what: "a default-deny that allows ingress", stacks: ALL, breakIt: (r) => editInputs(r, byObject("NetworkPolicy", "default-deny"), (i) => (i.spec.ingress = [{ from: [{ podSelector: {} }] }])), says: [/No default-deny NetworkPolicy/] },
  { policy: "istio-default-deny", what: "PERMISSIVE mTLS", stacks: ["istio"], breakIt: (r) => editInputs(r, byType("kubernetes:security.istio.io/v1:PeerAuthentication"), (i) => (i.spec.mtls.mode = "PERMISSIVE")), says: [/No STRICT PeerAuthentication covers the shop's namespace meshmart/] },
  { policy: "istio-default-deny", what: "a port-level exception", stacks: ["istio"], breakIt: (r) => editInputs(r, byType("kubernetes:security.istio.io/v1:PeerAuthentication"), (i) => (i.spec.portLevelMtls = { 5000: { mode: "DISABLE" } })), says: [/No STRICT PeerAuthentication/] },
  { policy: "istio-default-deny", what: "no allow-nothing AuthorizationPolicy", stacks: ["istio"], breakIt: (r) => without(r, byObject("AuthorizationPolicy", "allow-nothing")), says: [/No allow-nothing AuthorizationPolicy covers the shop's namespace meshmart/] },
  { policy: "linkerd-default-deny", what: "the namespace's default policy all-unauthenticated", stacks: ["linkerd"], breakIt: (r) => editInputs(r, byObject("Namespace", "meshmart"), (i) => (i.metadata.annotations["config.linkerd.io/default-inbound-policy"] = "all-unauthenticated")), says: [/Namespace meshmart/, /"all-unauthenticated"/] },
  {
    policy: "linkerd-default-deny",
    what: "a pod template overriding the default policy",
    stacks: ["linkerd"],
    breakIt: (r) => editInputs(r, byObject("Deployment", "payment-v1"), (i) => (i.spec.template.metadata.annotations = { ...i.spec.template.metadata.annotations, "config.linkerd.io/default-inbound-policy": "all-authenticated" })),
    says: [/Deployment meshmart\/payment-v1/, /overrides config\.linkerd\.io\/default-inbound-policy/],
  },
  { policy: "no-plain-secrets", what: "a password in a ConfigMap", stacks: ["dev"], breakIt: (r) => editInputs(r, byType("kubernetes:core/v1:ConfigMap"), (i) => (i.data.DB_PASSWORD = "hunter2")), says: [/ConfigMap meshmart\/meshmart-dashboard/, /"DB_PASSWORD" is named like a secret/] },
  {
    policy: "no-plain-secrets",
    what: "a private key in a ConfigMap under an innocent name",
    stacks: ["dev"],
    breakIt: (r) => editInputs(r, byType("kubernetes:core/v1:ConfigMap"), (i) => (i.data["notes.txt"] = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n")),
    says: [/"notes\.txt": it holds a PEM private key/],
  },
  {
    policy: "no-plain-secrets",
    what: "REDIS_PASSWORD as a plain env value",
    stacks: ALL,
    breakIt: (r) => editInputs(r, byObject("Deployment", "cart"), (i) => (container(i).env = container(i).env.map((e: any) => (e.name === "REDIS_PASSWORD" ? { name: e.name, value: "s3cret" } : e)))),
    says: [/Deployment meshmart\/cart/, /env REDIS_PASSWORD is named like a secret but comes from a plain value/],
  },
  {
    policy: "no-plain-secrets",
    what: "a password inside REDIS_URL",
    stacks: ["dev"],
    breakIt: (r) => editInputs(r, byObject("Deployment", "orders"), (i) => (container(i).env = container(i).env.map((e: any) => (e.name === "REDIS_URL" ? { name: e.name, value: "redis://orders:s3cret@redis:6379" } : e)))),
    says: [/env REDIS_URL: it holds a URL with a password in it/],
  },
  { policy: "no-load-balancer", what: "a Service of type LoadBalancer", stacks: ALL, breakIt: (r) => editInputs(r, byObject("Service", "gateway"), (i) => (i.spec.type = "LoadBalancer")), says: [/Service meshmart\/gateway/, /of type LoadBalancer/, /allowLoadBalancer/] },
  {
    policy: "no-load-balancer",
    what: "a chart value type: LoadBalancer",
    stacks: ALL,
    breakIt: (r) => editInputs(r, (x) => x.type === "kubernetes:helm.sh/v3:Release" && x.inputs.chart === "ingress-nginx", (i) => (i.values.controller.service = { ...i.values.controller.service, type: "LoadBalancer" })),
    says: [/Helm release "ingress-nginx"/, /values\.controller\.service\.type/],
  },
  {
    policy: "custom-resources-after-crds",
    what: "a ServiceMonitor that does not wait for kube-prometheus-stack",
    stacks: ["dev"],
    breakIt: (r) => cutDependencies(r, byObject("ServiceMonitor", "cart"), () => true),
    says: [/ServiceMonitor meshmart\/cart/, /monitoring\.coreos\.com/, /kube-prometheus-stack/],
  },
  {
    policy: "custom-resources-after-crds",
    what: "a PeerAuthentication that does not wait for Istio's base chart",
    stacks: ["istio"],
    breakIt: (r) => cutDependencies(r, byType("kubernetes:security.istio.io/v1:PeerAuthentication"), () => true),
    says: [/PeerAuthentication meshmart\/default/, /the Istio `base` chart/, /"istio-base"/],
  },
  {
    policy: "custom-resources-after-crds",
    what: "an HTTPRoute that does not wait for the Gateway API CRDs",
    stacks: ["linkerd"],
    breakIt: (r) => cutDependencies(r, (x) => x.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute" && x.inputs.metadata.name === "payment-post-payments", () => true),
    says: [/HTTPRoute meshmart\/payment-post-payments/, /Gateway API standard-install manifest/],
  },
];

describe("policy pack on broken copies of the program's objects (no engine)", function () {
  this.timeout(240_000);

  it("covers every policy of the pack", () => {
    expect([...new Set(CASES.map((c) => c.policy))].sort()).to.deep.equal(MESHMART_POLICIES.map((p) => p.name).sort());
  });

  for (const c of CASES) {
    for (const stack of c.stacks) {
      it(`${c.policy} (${stack}): ${c.what}`, async () => {
        const r = await run(stack);
        const config = stackPolicyConfig(r.config);
        const control = (await evaluate(MESHMART_POLICIES, r.resources, config)).violations.filter((v) => v.policy === c.policy && c.says.every((re) => re.test(v.message)));
        expect(control, "the unbroken run already reports it").to.deep.equal([]);
        const found = (await evaluate(MESHMART_POLICIES, c.breakIt(r), config)).violations.filter((v) => v.policy === c.policy);
        const messages = found.map((v) => v.message);
        expect(messages.some((m) => c.says.every((re) => re.test(m))), messages.join("\n") || "(no violation)").to.equal(true);
        expect(messages.every((m) => /Fix: /.test(m))).to.equal(true);
      });
    }
  }

  it("deployment-autoscaling: a canary track with a fixed count beside its stable track needs no HPA (dev's payment-v2)", async () => {
    const r = await run("dev");
    const dropped = without(r, byObject("HorizontalPodAutoscaler", "payment-v2"));
    const fixed = dropped.map((x) => (byObject("Deployment", "payment-v2")(x) ? { ...x, inputs: { ...x.inputs, spec: { ...x.inputs.spec, replicas: 1 } } } : x));
    const found = (await evaluate(MESHMART_POLICIES, fixed, stackPolicyConfig(r.config))).violations.filter((v) => v.policy === "deployment-autoscaling");
    expect(found).to.deep.equal([]);
    // …but users, a service of one track, gets no such pass.
    const users = without(r, byObject("HorizontalPodAutoscaler", "users")).map((x) => (byObject("Deployment", "users")(x) ? { ...x, inputs: { ...x.inputs, spec: { ...x.inputs.spec, replicas: 2 } } } : x));
    const usersFound = (await evaluate(MESHMART_POLICIES, users, stackPolicyConfig(r.config))).violations.filter((v) => v.policy === "deployment-autoscaling");
    expect(usersFound.map((v) => v.message).join("\n")).to.match(/Deployment meshmart\/users .* no HorizontalPodAutoscaler/);
  });

  it("a Deployment no Service selects (a client such as the load generator) needs neither PDB nor HPA; with its Service it does", async () => {
    const r = await run("dev");
    const config = stackPolicyConfig(r.config);
    const about = (e: Awaited<ReturnType<typeof evaluate>>) =>
      e.violations.filter((v) => ["deployment-disruption-budget", "deployment-autoscaling"].includes(v.policy) && /Deployment meshmart\/users /.test(v.message));
    const bare = (withService: boolean) =>
      r.resources.filter(
        (x) => !byObject("PodDisruptionBudget", "users")(x) && !byObject("HorizontalPodAutoscaler", "users")(x) && (withService || !byObject("Service", "users")(x)),
      );
    expect(about(await evaluate(MESHMART_POLICIES, bare(false), config))).to.deep.equal([]);
    expect(about(await evaluate(MESHMART_POLICIES, bare(true), config)).map((v) => v.policy).sort()).to.deep.equal(["deployment-autoscaling", "deployment-disruption-budget"]);
  });

  it("a disabled policy reports nothing (PolicyPackConfig enforcementLevel)", async () => {
    const r = await run("dev");
    const broken = editInputs(r, byObject("Deployment", "gateway"), (i) => (container(i).securityContext.privileged = true));
    const found = (await evaluate(MESHMART_POLICIES, broken, { ...stackPolicyConfig(r.config), "container-hardening": "disabled" })).violations.filter((v) => v.policy === "container-hardening");
    expect(found).to.deep.equal([]);
  });
});
