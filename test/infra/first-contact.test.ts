/**
 * What a first `pulumi up` on a real cluster would hit, and mocks do not:
 * each expectation comes from the upstream source of the pinned version
 * (fixtures/upstream.ts, docs/upstream.md), not from the program's constants.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import { SERVICE_NAMES, SERVICES } from "../../services/topology";
import { GATEWAY_API_STANDARD_INSTALL, INGRESS_NGINX_CONTROLLER_SELECTOR, ISTIO_PROMETHEUS_PROXY_METADATA, REDIS_IMAGE } from "./fixtures/upstream";
import { isSecret, objects, ofType, plainText, reveal, run, transitiveDependencies, type StackRun } from "./support/stacks";

const release = (r: StackRun, chart: string) => ofType(r, "kubernetes:helm.sh/v3:Release").find((x) => x.inputs.chart === chart);
const podAnnotations = (r: StackRun, name: string) =>
  [...objects(r, "Deployment"), ...objects(r, "StatefulSet")].find((d) => d.metadata.name === name)?.spec.template.metadata.annotations ?? {};
const REDIS_CHECKSUM = "meshmart.dev/redis-secret-checksum";

describe("first contact with a real cluster", function () {
  this.timeout(180_000);

  describe("Redis", () => {
    it("probes liveness with redis-cli ping: a mesh proxy answers TCP for a hung Redis", async () => {
      for (const stack of ["dev", "istio", "linkerd"] as const) {
        const [sts] = objects(await run(stack), "StatefulSet");
        const c = sts.spec.template.spec.containers[0];
        // as the PING-only ACL user (services/redis-acl.ts), its password in REDISCLI_AUTH
        // -e: an error reply (a wrong password, LOADING) is a non-zero exit, so the probe fails (redis-cli.c: set_errcode).
        for (const probe of [c.livenessProbe, c.readinessProbe]) expect(probe.exec, stack).to.deep.equal({ command: ["redis-cli", "-e", "--user", "probe", "ping"] });
        expect(c.livenessProbe).to.not.have.property("tcpSocket");
      }
    });

    it("rolls Redis and every service using it when the password changes, without revealing it", async () => {
      const dev = await run("dev");
      const other = await run("devCloud"); // a generated password instead of the configured one
      const checksum = podAnnotations(dev, "redis")[REDIS_CHECKSUM];
      expect(checksum).to.match(/^[0-9a-f]{64}$/);
      for (const [name, spec] of Object.entries(SERVICES)) {
        const names = spec.versions.length > 1 ? spec.versions.map((v) => `${name}-${v}`) : [name];
        for (const n of names) expect(podAnnotations(dev, n)[REDIS_CHECKSUM], n).to.equal(spec.redis ? checksum : undefined);
      }
      expect(podAnnotations(other, "redis")[REDIS_CHECKSUM]).to.match(/^[0-9a-f]{64}$/).and.not.equal(checksum);
      // Keyed: not the plain hash of the password, which would be a verifier for it.
      expect(checksum).to.not.equal(createHash("sha256").update("test-redis-password").digest("hex"));
      expect(plainText(dev.resources.map((x) => x.inputs))).to.not.contain("test-redis-password");
    });

    it("pins a patched Redis by digest (7.4.6+ fixes CVE-2025-49844; 7.4.11 is the current 7.4)", async () => {
      const [sts] = objects(await run("dev"), "StatefulSet");
      expect(sts.spec.template.spec.containers[0].image).to.equal(REDIS_IMAGE);
    });
  });

  describe("meshes", () => {
    it("istio: Prometheus's certificate-only sidecar writes its certificate, and keeps Envoy (istio-cni skips Envoy-less pods)", async () => {
      const spec = reveal(release(await run("istio"), "kube-prometheus-stack")!.inputs).values.prometheus.prometheusSpec;
      expect(JSON.parse(spec.podMetadata.annotations["proxy.istio.io/config"])).to.deep.equal({ proxyMetadata: ISTIO_PROMETHEUS_PROXY_METADATA });
    });

    it("linkerd: the injector and validators fail closed (a pod without a proxy would escape default deny)", async () => {
      const values = reveal(release(await run("linkerd"), "linkerd-control-plane")!.inputs.values);
      expect(values.webhookFailurePolicy).to.equal("Fail");
    });

    it("linkerd: installs the Gateway API CRDs Linkerd recommends, and never deletes them", async () => {
      const r = await run("linkerd");
      const [crds] = ofType(r, "kubernetes:yaml/v2:ConfigFile");
      expect(crds!.inputs.file).to.equal(GATEWAY_API_STANDARD_INSTALL);
      expect(crds!.retainOnDelete).to.equal(true);
    });

    it("linkerd: with gatewayApiCrds off, leaves the cluster's own CRDs alone", async () => {
      const r = await run("linkerdCanary");
      expect(r.config["meshmart:gatewayApiCrds"]).to.equal("false");
      expect(ofType(r, "kubernetes:yaml/v2:ConfigFile")).to.deep.equal([]);
      expect(release(r, "linkerd-crds")).to.not.equal(undefined);
    });
  });

  describe("images and registries", () => {
    it("pulls from a private registry with a dockerconfigjson Secret every service account references", async () => {
      const r = await run("devCloud");
      const [secret] = ofType(r, "kubernetes:core/v1:Secret").filter((s) => s.inputs.type === "kubernetes.io/dockerconfigjson");
      expect(secret, "pull secret").to.not.equal(undefined);
      expect(isSecret(secret!.inputs.stringData) || isSecret(secret!.inputs.stringData[".dockerconfigjson"])).to.equal(true);
      const config = JSON.parse(reveal(secret!.inputs.stringData)[".dockerconfigjson"]);
      const auth = Buffer.from("ci:test-registry-password").toString("base64");
      expect(config).to.deep.equal({ auths: { "registry.example.test:443": { username: "ci", password: "test-registry-password", auth } } });
      expect(plainText(r.resources.map((x) => x.inputs))).to.not.contain("test-registry-password");
      const accounts = objects(r, "ServiceAccount").filter((a) => a.metadata.namespace === "meshmart");
      expect(accounts.map((a) => a.metadata.name)).to.have.members([...SERVICE_NAMES, "redis"]);
      for (const a of accounts) expect(a.imagePullSecrets, a.metadata.name).to.deep.equal([{ name: secret!.inputs.metadata.name }]);
      for (const w of ofType(r, "kubernetes:apps/v1:Deployment")) expect(transitiveDependencies(r, w).has(secret!.urn), w.urn).to.equal(true);
    });

    it("without registry credentials, creates no pull secret", async () => {
      const r = await run("dev");
      expect(ofType(r, "kubernetes:core/v1:Secret").filter((s) => s.inputs.type === "kubernetes.io/dockerconfigjson")).to.deep.equal([]);
      for (const a of objects(r, "ServiceAccount")) expect(a).to.not.have.property("imagePullSecrets");
    });

    it("builds for the building machine's architecture unless imagePlatform says otherwise", async () => {
      const arch = { x64: "amd64", arm64: "arm64" }[process.arch as "x64" | "arm64"];
      const platforms = (r: StackRun) => ofType(r, "docker:index/image:Image").map((i) => i.inputs.build.platform);
      expect(new Set(platforms(await run("dev")))).to.deep.equal(new Set([`linux/${arch}`]));
      expect(new Set(platforms(await run("devLocal")))).to.deep.equal(new Set(["linux/arm64"]));
    });
  });

  describe("the edge", () => {
    it("linkerd: the controller's proxy leaves its inbound 80/443 alone, so nginx sees each client's address (per-client limits)", async () => {
      const controller = reveal(release(await run("linkerd"), "ingress-nginx")!.inputs.values).controller;
      expect(controller.podAnnotations["config.linkerd.io/skip-inbound-ports"]).to.equal("80,443,8443");
    });

    it("with a LoadBalancer: client addresses kept, the Ingresses report the balancer's address and do not wait for one", async () => {
      const r = await run("devCloud");
      const lb = objects(r, "Service").find((s: any) => s.metadata.namespace === "ingress-nginx")!;
      expect(lb.spec.externalTrafficPolicy).to.equal("Local");
      const values = reveal(release(r, "ingress-nginx")!.inputs.values);
      // (and, with the edge's TLS on, the catch-all server's certificate: edge-tls-metallb.test.ts)
      expect(values.controller.extraArgs).to.deep.equal({ "publish-service": "ingress-nginx/ingress-nginx-controller", "default-ssl-certificate": "meshmart/meshmart-edge-tls" });
      for (const ing of objects(r, "Ingress")) expect(ing.metadata.annotations["pulumi.com/skipAwait"], ing.metadata.name).to.equal("true");
      const dev = await run("dev");
      for (const ing of objects(dev, "Ingress")) expect(ing.metadata.annotations ?? {}, ing.metadata.name).to.not.have.property("pulumi.com/skipAwait");
    });

    it("with a LoadBalancer, still waits for the controller before the Ingress, and does not wait for an address", async () => {
      const r = await run("devCloud");
      const nginx = release(r, "ingress-nginx")!;
      expect(nginx.inputs.skipAwait ?? false).to.equal(false);
      expect(reveal(nginx.inputs.values).controller.service.external).to.deep.equal({ enabled: false });
      const lb = objects(r, "Service").find((s) => s.metadata.namespace === "ingress-nginx")!;
      expect(lb.metadata.name).to.equal("ingress-nginx-controller");
      expect(lb.metadata.annotations).to.deep.equal({ "pulumi.com/skipAwait": "true" });
      expect(lb.spec).to.deep.equal({
        type: "LoadBalancer",
        externalTrafficPolicy: "Local",
        selector: INGRESS_NGINX_CONTROLLER_SELECTOR,
        ports: [
          { name: "http", port: 80, protocol: "TCP", targetPort: "http", appProtocol: "http" },
          { name: "https", port: 443, protocol: "TCP", targetPort: "https", appProtocol: "https" },
        ],
      });
      const ingress = ofType(r, "kubernetes:networking.k8s.io/v1:Ingress")[0]!;
      expect(transitiveDependencies(r, ingress).has(nginx.urn)).to.equal(true);
    });

    it("with a NodePort, the chart's own Service is used and awaited", async () => {
      const r = await run("dev");
      const values = reveal(release(r, "ingress-nginx")!.inputs.values);
      expect(values.controller.service.external ?? { enabled: true }).to.deep.equal({ enabled: true });
      expect(objects(r, "Service").filter((s) => s.metadata.namespace === "ingress-nginx")).to.deep.equal([]);
    });
  });

  describe("metrics-server", () => {
    it("is off by default (a cluster with one would fail the install) and skips kubelet TLS only where asked", async () => {
      expect(release(await run("dev"), "metrics-server")).to.equal(undefined);
      const cloud = release(await run("devCloud"), "metrics-server");
      expect(cloud, "installed when asked").to.not.equal(undefined);
      expect(reveal(cloud!.inputs.values).args).to.deep.equal([]);
    });
  });
});
