/**
 * NetworkPolicies in the shop's namespace, from pure specs: the authorization
 * graph in dev, where no mesh enforces it (authz-network-policy-spec.ts), and the
 * namespace's boundary in the mesh stacks (../mesh/namespace-boundary.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../labels";
import type { NamedPolicy } from "./authz-network-policy-spec";

export interface NetworkPoliciesArgs {
  readonly namespace: pulumi.Input<string>;
  /** The policies, named (e.g. networkPolicySpecs(authzEdges(), peers)). */
  readonly policies: readonly NamedPolicy[];
}

export class NetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("meshmart:policy:NetworkPolicies", name, args, opts);
    for (const policy of args.policies) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.name}`,
        {
          metadata: { name: policy.name, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": PART_OF } },
          spec: policy.spec,
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
