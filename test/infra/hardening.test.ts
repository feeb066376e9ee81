/**
 * Exact hardening: every pod and container the program declares, in every
 * run, has exactly these security settings. Whole objects (deep.equal), so
 * an added field (privileged: true, hostNetwork, an init container, a
 * capability) fails as surely as a missing one. What is not security
 * (image, env, probes, ports, resources, mounts) is left out of the view.
 */
import { expect } from "chai";
import { allRuns, objects, VARIANTS, type Variant } from "./support/stacks";
import { LOAD_GENERATOR } from "../../infra/authz/graph";
import { tracksOf } from "./support/shop-shape";

/** Pod-spec fields that are not security settings: everything else is compared. */
const POD_OTHER = ["containers", "volumes", "serviceAccountName", "topologySpreadConstraints", "affinity", "imagePullSecrets", "nodeSelector", "tolerations"];
/** Container fields that are not security settings. */
const CONTAINER_OTHER = ["name", "image", "imagePullPolicy", "command", "args", "env", "envFrom", "ports", "resources", "volumeMounts", "livenessProbe", "readinessProbe", "startupProbe"];

const without = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const SERVICE_POD = {
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  terminationGracePeriodSeconds: 30,
  securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
};
const REDIS_POD = {
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  terminationGracePeriodSeconds: 30,
  securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
};
const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
/** Services keep serving for 5 s after the Pod is marked for deletion, while endpoints drain. */
const SERVICE_CONTAINER = { securityContext: CONTAINER_SECURITY, lifecycle: { preStop: { sleep: { seconds: 5 } } } };
/** Redis: the same container settings, and no preStop hook. */
const REDIS_CONTAINER = { securityContext: CONTAINER_SECURITY };
/** Volume sources the workloads may use: nothing from the node. */
const VOLUME_SOURCES = ["emptyDir", "secret", "configMap", "persistentVolumeClaim", "projected"];

interface View {
  readonly pod: Record<string, unknown>;
  readonly containers: Record<string, unknown>[];
  readonly volumeSources: string[];
}

function view(workload: any): View {
  const spec = workload.spec.template.spec;
  return {
    pod: without(spec, POD_OTHER),
    containers: spec.containers.map((c: Record<string, unknown>) => without(c, CONTAINER_OTHER)),
    volumeSources: (spec.volumes ?? []).flatMap((v: Record<string, unknown>) => Object.keys(v).filter((k) => k !== "name")),
  };
}

describe("exact hardening of every pod and container", function () {
  this.timeout(180_000);

  for (const variant of (Object.keys(VARIANTS) as Variant[]).filter((v) => v !== "badMesh")) {
    it(`run ${variant}: the services' pods and containers`, async () => {
      // The load generator's pod is load-generator-workload.test.ts's.
      const deployments = objects((await allRuns())[variant], "Deployment").filter((d) => d.metadata.name !== LOAD_GENERATOR);
      expect(deployments.map((d) => d.metadata.name)).to.have.members(tracksOf(VARIANTS[variant].overrides));
      for (const d of deployments) {
        const v = view(d);
        expect(v.pod, d.metadata.name).to.deep.equal(SERVICE_POD);
        expect(v.containers, d.metadata.name).to.deep.equal([SERVICE_CONTAINER]);
        expect(VOLUME_SOURCES, d.metadata.name).to.include.members(v.volumeSources);
      }
    });

    it(`run ${variant}: Redis`, async () => {
      const [redis, ...more] = objects((await allRuns())[variant], "StatefulSet");
      expect(more).to.deep.equal([]);
      if (VARIANTS[variant].overrides && "meshmart:redisExternalUrl" in VARIANTS[variant].overrides) {
        expect(redis, "an external Redis: none runs here").to.equal(undefined);
        return;
      }
      const v = view(redis);
      expect(v.pod).to.deep.equal(REDIS_POD);
      // Redis and its metrics exporter (a sidecar), hardened alike
      expect(v.containers).to.deep.equal([REDIS_CONTAINER, REDIS_CONTAINER]);
      expect(VOLUME_SOURCES).to.include.members(v.volumeSources);
    });
  }

  it("the view fails on an added privilege, a removed preStop sleep, an init container or a host namespace", () => {
    const base = { spec: { template: { spec: { ...SERVICE_POD, containers: [{ name: "x", image: "x", ...SERVICE_CONTAINER }] } } } };
    const spec = base.spec.template.spec;
    const variants = [
      { ...spec, containers: [{ ...spec.containers[0], securityContext: { ...CONTAINER_SECURITY, privileged: true } }] },
      { ...spec, containers: [{ name: "x", image: "x", securityContext: CONTAINER_SECURITY }] },
      { ...spec, initContainers: [{ name: "init", image: "busybox" }] },
      { ...spec, hostNetwork: true },
      { ...spec, automountServiceAccountToken: true },
    ];
    expect(view(base)).to.deep.equal({ pod: SERVICE_POD, containers: [SERVICE_CONTAINER], volumeSources: [] });
    for (const s of variants) expect(view({ spec: { template: { spec: s } } })).to.not.deep.equal(view(base));
  });
});
