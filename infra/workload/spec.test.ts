/** The Deployment spec every workload is built from (spec.ts): what its selector may hold. */
import { expect } from "chai";
import { deploymentSpec, type DeploymentSpecArgs } from "./spec";

const ARGS: DeploymentSpecArgs = {
  app: "cart",
  version: "v1",
  component: "backend",
  port: 5002,
  image: "registry.example/cart@sha256:" + "0".repeat(64),
  imagePullPolicy: "IfNotPresent",
  env: [],
  serviceAccountName: "cart",
};

describe("workload spec: the Deployment's selector", () => {
  it("selects by app and version, and by the extra pod labels asked for (Flagger's target)", () => {
    expect(deploymentSpec({ ...ARGS, selectorLabels: ["app.kubernetes.io/name"] }).selector).to.deep.equal({
      matchLabels: { app: "cart", version: "v1", "app.kubernetes.io/name": "cart" },
    });
  });

  it("refuses to select by a label the pods do not carry, naming it (the selector would match no pod of its own)", () => {
    expect(() => deploymentSpec({ ...ARGS, selectorLabels: ["flagger-target"] })).to.throw(Error, "the pods carry no label flagger-target to select by");
  });
});
